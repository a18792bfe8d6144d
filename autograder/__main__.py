import sys

# The kit's own modules (the grader's, and the check files pytest rewrites) keep their bytecode even
# where PYTHONDONTWRITEBYTECODE is set: otherwise every grading compiles some 120 modules again.
# (The sandboxed worker runs with -I and never writes into the kit.)
sys.dont_write_bytecode = False

from .cli import main  # noqa: E402

sys.exit(main())
