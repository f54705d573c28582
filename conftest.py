"""What the whole test run shares, unit tests and notebooks alike.

The tests check that perfkit and the notebooks work, not what this machine measures: like pyperf's
--fast, the run measures at a quarter of every budget. A value you set yourself wins, e.g.
`PERFKIT_BUDGET_SCALE=1 pytest` for the notebooks' full budgets. It is set here, at the root, so that
`pytest notebooks/01-sets-vs-lists.ipynb` alone gets it too; nbval's kernels inherit this process's
environment (--nbval-current-env), and each notebook prints the scale in its machine line.
"""

import os

os.environ.setdefault("PERFKIT_BUDGET_SCALE", "0.25")
