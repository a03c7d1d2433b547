"""Gradio UI: the chat with state-inspector panels. `build_demo()` is what app.py launches."""
