"""Tries to read the hidden checks, the manifest, the public expected values, the folder the
results go to and the folder the submission came from (another student's files, in a batch);
every function raises an error listing what it could read, which ends up in the feedback."""
import os

CHECKS = "{{CHECKS}}"
OUTPUT = "{{OUTPUT}}"
SUBMISSION = "{{SUBMISSION}}"
leaked = []
for path in (f"{CHECKS}/hidden/test_recurrent_hidden.py", f"{CHECKS}/manifest.toml",
             f"{CHECKS}/public/expected.npz", f"{CHECKS}/public/test_recurrent.py",
             "/autograder/source/assignments/recurrent/hidden/test_recurrent_hidden.py"):
    try:
        with open(path, "rb") as f:
            f.read(1)
        leaked.append(path)
    except OSError:
        pass
for folder in (f"{CHECKS}/hidden", os.path.dirname(OUTPUT), SUBMISSION, "/autograder/results"):
    try:
        os.listdir(folder)
        leaked.append(folder + "/")
    except OSError:
        pass


def _report(*args, **kwargs):
    raise RuntimeError(f"LEAKED {sorted(leaked)}")


rnn_step_forward = rnn_step_backward = rnn_forward = rnn_backward = _report
