"""Student tools, shipped in the student zip: pytest's result table and ``--function``
(``pytest_plugin``), and what otter's check cells call (``otter_bridge``)."""
