"""humas-monitor: media and social-media monitoring for Indonesian government PR offices."""

import os

__version__ = "0.1.0"

# The default model's matrix products are small (a batch of 256 posts): OpenBLAS threads cost
# more in hand-offs than they save, and on a busy 2-core server they spin against the pipeline's
# own threads (measured: one 256-post MLP step 2.4 ms single-threaded, 18 ms median with two
# threads under load). Set before numpy is imported; an explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
