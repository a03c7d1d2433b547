"""RxFlow's Gradio app (the Hugging Face Space's app_file). Offline unless RXFLOW_LM is set."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from rxflow.ui.app import launch  # noqa: E402

if __name__ == "__main__":
    launch()
