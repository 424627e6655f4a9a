"""launch.py [--argv0 NAME] SCRIPT [ARGS...]: runs a stand-in script as __main__ from its cached bytecode (test-only).

python3 compiles a script it is given on the command line on every start (15-115 ms of CPU for the
larger stand-ins, on a machine where every lab host shares two cores), but reads an imported
module's bytecode from __pycache__ (lab.sh precompiles the stand-ins into each lab's template).
The script sees what it would see run directly: __name__ "__main__", sys.argv[0] as given (apt.py
tells apt-get from apt-mark by it), __file__ its real path."""
import importlib.machinery
import importlib.util
import os
import sys

# The entry points run python3 -S: site's start-up work (its .pth files, ~5 ms of CPU a call) buys
# the stand-ins nothing but Debian's dist-packages (PyYAML, cryptography), which go on the path here.
if "site" not in sys.modules:
    sys.path.append("/usr/lib/python3/dist-packages")

# --argv0 NAME: what the script sees as sys.argv[0] (apt.py tells apt-get from dpkg-query by it).
argv0 = None
if sys.argv[1:2] == ["--argv0"] and len(sys.argv) > 3:
    argv0 = sys.argv[2]
    del sys.argv[1:3]
if len(sys.argv) < 2:
    sys.exit("usage: launch.py [--argv0 NAME] SCRIPT [ARGS...]")
path = os.path.realpath(sys.argv[1])
loader = importlib.machinery.SourceFileLoader("__main__", path)
spec = importlib.util.spec_from_file_location("__main__", path, loader=loader)
module = importlib.util.module_from_spec(spec)
sys.modules["__main__"] = module
del sys.argv[0]
if argv0 is not None:
    sys.argv[0] = argv0
sys.path[0] = os.path.dirname(path)
loader.exec_module(module)
