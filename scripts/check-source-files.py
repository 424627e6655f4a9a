"""check-source-files.py: what `dotnet format --verify-no-changes` would check and the build cannot.

The build enforces the code style and the formatting (IDE0055 and every style rule at warning in
.editorconfig; warnings are errors), so scripts/test.sh runs no separate `dotnet format` pass, which
would compile the solution a second and third time. Left for this script: the file-level rules of
`dotnet format whitespace` (UTF-8 without a byte-order mark, LF line ends, a final newline, no
trailing whitespace) and "this." member qualification (IDE0003, which only the IDE and
`dotnet format style` run). Prints one "file:line: message" per finding; exits 1 if there is any.
Usage: python3 scripts/check-source-files.py [ROOT]   (the .cs files git tracks under ROOT)"""
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
files = subprocess.run(["git", "-C", root, "ls-files", "-z", "*.cs"], check=True, capture_output=True).stdout.split(b"\0")
this_member = re.compile(r"\bthis\.[A-Za-z_]")
findings = []
for name in filter(None, (f.decode() for f in files)):
    with open(f"{root}/{name}", "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(f"{name}:1: a UTF-8 byte-order mark (charset = utf-8)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        findings.append(f"{name}:{line}: not UTF-8")
        continue
    lines = text.split("\n")
    if data and not data.endswith(b"\n"):
        findings.append(f"{name}:{len(lines)}: no final newline")
    for number, line in enumerate(lines, 1):
        if line.endswith("\r"):
            findings.append(f"{name}:{number}: a CRLF line end (end_of_line = lf)")
        elif line != line.rstrip(" \t"):
            findings.append(f"{name}:{number}: trailing whitespace")
        if this_member.search(line):
            findings.append(f"{name}:{number}: 'this.' qualification (IDE0003)")
for finding in findings:
    print(finding)
sys.exit(1 if findings else 0)
