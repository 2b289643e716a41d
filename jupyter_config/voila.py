# Voila configuration for the STP book: chapters' MyST prose made readable (see
# src/stpbook/live.py). `stpbook seminar` and Binder put this folder on JUPYTER_CONFIG_PATH.
from stpbook.live import voila_prelaunch

c.VoilaConfiguration.prelaunch_hook = voila_prelaunch  # noqa: F821 (c is Voila's config)
