"""Views of a system: its graph, memory maps and an isolation report by driver-isolation design.

One family-neutral model (`model.py`), built from the Microkit or CAmkES typed model
(`microkit_view.py`, `camkes_view.py`), classified (`isolation.py`) and drawn by one renderer per
format (`render_*.py`). Nothing here knows the language server protocol.
"""
