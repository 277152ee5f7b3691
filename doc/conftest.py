"""Let ``pytest --doctest-glob="*.rst" doc`` run the ``>>>`` examples of these pages.

Only the .rst sources are tested: the Sphinx configuration, the build output and the gallery
generated from examples/ are not collected.
"""

collect_ignore = ["conf.py"]
collect_ignore_glob = ["_build/*", "auto_examples/*", "generated/*"]
