"""Hypothesis strategies for the kit's checks, one module per assignment (e.g. ``strategies.sequences``)."""
