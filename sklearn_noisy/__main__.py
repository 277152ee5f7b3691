"""``python -m sklearn_noisy``: the ``sklearn-noisy`` command line."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
