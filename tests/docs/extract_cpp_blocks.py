#!/usr/bin/env python3
"""extract_cpp_blocks.py DOC.md OUT.cpp: the ```cpp blocks of a Markdown page, in order, as one C++
file (docs/cpp_api.md is one program in pieces). Each block starts with a #line naming the page, so
a compile error points into the page. OUT is rewritten only when it changes."""
import pathlib
import re
import sys

doc, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = doc.read_text()
parts = [f'// Generated from {doc.name} by tests/docs/extract_cpp_blocks.py; edit the page, not this file.']
for m in re.finditer(r'^```cpp\n(.*?)^```$', text, flags=re.S | re.M):
    line = text.count('\n', 0, m.start(1)) + 1
    parts.append(f'#line {line} "{doc.name}"')
    parts.append(m.group(1).rstrip('\n'))
new = '\n'.join(parts) + '\n'
if not out.exists() or out.read_text() != new:
    out.write_text(new)
