"""The web layer: app wiring, JSON API, citizen page, curator console, login gate, transport guard."""
