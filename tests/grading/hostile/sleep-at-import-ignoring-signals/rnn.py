"""Ignores every catchable signal and sleeps forever at import, swallowing any exception."""
import signal
import time

for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGALRM", "SIGUSR1", "SIGUSR2", "SIGXCPU", "SIGVTALRM", "SIGPROF"):
    signal.signal(getattr(signal, name), signal.SIG_IGN)
while True:
    try:
        time.sleep(3600)
    except BaseException:
        pass
