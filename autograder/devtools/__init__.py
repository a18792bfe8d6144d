"""The kit's own tools: the bundled example class generator (``classgen``), ``make demo``
(``demo``) and ``make bench`` (``bench``)."""
