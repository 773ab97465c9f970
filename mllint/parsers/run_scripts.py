"""Which shell scripts a RUN instruction executes, for the shell analysis.

BuildKit runs a shell-form RUN as ``SHELL + [command line]``. With heredocs it depends on the
command line: ``RUN <<EOF`` alone runs the body as a script (its shebang decides the
interpreter); ``RUN <<EOF bash`` feeds the body to that shell; ``RUN python3 <<EOF`` feeds it to
Python, so the body is not shell at all and only the command line is. Exec form runs no shell
unless it names one (``["/bin/sh", "-c", "…"]``).
"""

from __future__ import annotations

from mllint.model.dockerfile import POSIX_SHELLS, Heredoc
from mllint.model.shell import Command, ShellScript, Word
from mllint.model.span import Located, SourceMap
from mllint.parsers.shell import parse_shell


def run_scripts(
    args: str,
    start: int,
    smap: SourceMap,
    exec_form: tuple[Located, ...] | None,
    heredocs: list[Heredoc],
    shell: list[str],
    escape: str,
) -> tuple[ShellScript, ...]:
    if exec_form is not None:
        return _exec_scripts(exec_form)
    if not shell or _basename(shell[0]) not in POSIX_SHELLS or escape != "\\":
        return ()  # PowerShell, cmd, or a Windows file: not a language we read
    source = smap.shifted(start)
    if not heredocs:
        return (parse_shell(args, source),)
    line = _blank_heredoc_markers(args, heredocs)
    words = line.split()
    runs_shell = not words or (_basename(words[0]) in POSIX_SHELLS and "-c" not in words)
    scripts: list[ShellScript] = []
    if not runs_shell:
        scripts.append(parse_shell(line, source))
    for doc in heredocs:
        if doc.fd != 0 or not runs_shell:
            continue
        shebang = doc.body.split("\n", 1)[0]
        if shebang.startswith("#!") and _shebang_program(shebang) not in POSIX_SHELLS:
            continue
        scripts.append(parse_shell(doc.body, doc.source))
    return tuple(scripts)


def _exec_scripts(argv: tuple[Located, ...]) -> tuple[ShellScript, ...]:
    if not argv:
        return ()
    if (
        len(argv) >= 3
        and _basename(argv[0].text) in POSIX_SHELLS
        and argv[1].text.startswith("-")
        and "c" in argv[1].text
    ):
        script = argv[2]
        inner = SourceMap()
        # The element's span covers its JSON quotes; the script starts one column in.
        inner.add(0, script.span.line, script.span.column + 1, len(script.text))
        return (parse_shell(script.text, inner),)
    words = tuple(Word(a.text, a.text, a.span, dynamic=False, quoted=True) for a in argv)
    span = argv[0].span.cover(argv[-1].span)
    command = Command(words, (), (), span, pipe_in=False, pipe_out=False, depth=0)
    return (ShellScript((command,), complete=True),)


def _blank_heredoc_markers(line: str, heredocs: list[Heredoc]) -> str:
    """Replace ``<<EOF`` words by spaces, keeping offsets, so the rest parses as one line."""
    out = line
    for doc in heredocs:
        for form in (
            f"<<-{doc.name}",
            f"<<{doc.name}",
            f"<<-'{doc.name}'",
            f"<<'{doc.name}'",
            f'<<-"{doc.name}"',
            f'<<"{doc.name}"',
        ):
            idx = out.find(form)
            if idx >= 0:
                end = idx + len(form)
                while idx > 0 and out[idx - 1].isdigit():  # 3<<EOF: a file descriptor
                    idx -= 1
                out = out[:idx] + " " * (end - idx) + out[end:]
                break
    return out


def _shebang_program(line: str) -> str:
    parts = line[2:].split()
    if not parts:
        return "sh"
    program = _basename(parts[0])
    if program == "env" and len(parts) > 1:
        rest = [p for p in parts[1:] if not p.startswith("-")]
        program = _basename(rest[0]) if rest else "env"
    return program


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]
