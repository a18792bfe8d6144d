"""Where the kit's parts live, relative to the kit's root (never an absolute path of one machine)."""

from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = KIT_ROOT / "solutions"
TEMPLATES = KIT_ROOT / "student_templates"
ASSIGNMENTS = KIT_ROOT / "assignments"
DIST = KIT_ROOT / "dist"
