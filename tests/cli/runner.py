"""Running a command and checking the project's rules for its output."""

from __future__ import annotations

from typer.testing import CliRunner

from nigehbaan.cli.main import app


def run(cli: CliRunner, *args: str, input: str | None = None, code: int = 0) -> str:
    result = cli.invoke(app, list(args), input=input)
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    # exit code 1 also comes from an exception escaping the command: that is a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    if code == 1:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (result.stdout, result.stderr)
        return lines[0]
    return result.stdout
