"""Start the Together API simulator: `python simulator/run.py --port 0 --scenario FILE` (see docs/simulator.md)."""

import os
import sys

# The simulator is not an installed package; make `together_simulator` importable from a clean clone.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from together_simulator.cli import main  # noqa: E402  (needs the path set up above)

if __name__ == "__main__":
    sys.exit(main())
