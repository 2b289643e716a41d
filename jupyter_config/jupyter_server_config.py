# Jupyter Server configuration for the STP book (JupyterLab, Voila as a server extension
# on Binder or a JupyterHub): the same Voila prelaunch hook as jupyter_config/voila.py.
from stpbook.live import voila_prelaunch

c.VoilaConfiguration.prelaunch_hook = voila_prelaunch  # noqa: F821 (c is the server's config)
