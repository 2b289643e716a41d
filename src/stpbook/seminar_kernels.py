"""The seminar dashboard's kernel manager: a bounded number of kernels.

Voila starts one kernel per page view. In a classroom that is one per student tab, and
a stray script requesting the page in a loop would start kernels until the machine runs
out of memory (each takes about 100 MB). ``BoundedKernelManager`` refuses a new kernel
once ``MAX_KERNELS`` are running (the page shows Voila's error, naming the limit); idle
kernels are culled by the ``cull_*`` settings the launcher passes
(``stpbook.servers.seminar_command``).
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

MAX_KERNELS = int(os.environ.get("STPBOOK_MAX_KERNELS", "40"))


class BoundedKernelManager(AsyncMappingKernelManager):
    """At most ``MAX_KERNELS`` kernels at once."""

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        if kwargs.get("kernel_id") is None and len(self.list_kernel_ids()) >= MAX_KERNELS:
            raise RuntimeError(
                f"the seminar dashboard already runs {MAX_KERNELS} kernels "
                "(STPBOOK_MAX_KERNELS); close some tabs or wait for idle "
                "ones to stop"
            )
        return await super().start_kernel(*args, **kwargs)
