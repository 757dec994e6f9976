"""The CLI's error boundary: every failure leaves as one line on stderr and a documented exit code.

Exit codes (README's table): 0 done, 1 general, 2 usage, 3 unreadable input, 4 index, 5 endpoint,
6 check failed (--strict), 130 interrupted. ASSISTANT_DEBUG=1 re-raises instead, for the traceback.

Typer's usage errors are recognised by their public traits (exit_code, format_message, and a class
named …UsageError), so the boundary works with a Typer that bundles its own click and with one that
uses click itself."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

import typer

from assistant.i18n import _, lang

EXIT_INTERRUPTED = 130


def debug_enabled() -> bool:
    return os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0")


def error_line(message: str) -> str:
    """One line, whatever the message holds."""
    flat = " ".join(str(message).split())
    return _("错误：{message}", message=flat)


def run(app: Callable[..., Any]) -> None:
    """Run the Typer app and exit with its code; errors become one line."""
    from assistant.errors import AssistantError

    debug = debug_enabled()
    try:
        rv = app(standalone_mode=False)
    except AssistantError as exc:
        if debug:
            raise
        print(error_line(str(exc)), file=sys.stderr)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        if debug:
            raise
        print(_("已中断。"), file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(1)
    except Exception as exc:
        if _is_usage_error(exc):
            _report_usage_error(exc)
            sys.exit(2)
        if debug:
            raise
        if _is_cli_exception(exc):  # e.g. a file Typer could not open for an option
            print(error_line(exc.format_message()), file=sys.stderr)  # type: ignore[attr-defined]
            sys.exit(int(getattr(exc, "exit_code", 1)))
        print(
            error_line(
                _(
                    "意外错误 {kind}：{detail}（设置 ASSISTANT_DEBUG=1 可查看详细信息）",
                    kind=type(exc).__name__,
                    detail=exc,
                )
            ),
            file=sys.stderr,
        )
        sys.exit(1)
    # Typer returns the exit code of typer.Exit, and turns Ctrl-C into 130, when not standalone.
    if isinstance(rv, int) and rv != 0:
        if rv == EXIT_INTERRUPTED:
            print(_("已中断。"), file=sys.stderr)
        sys.exit(rv)


def _quiet_broken_pipe() -> None:
    # stdout went away (e.g. `assistant log list | head`): say nothing more on it.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def _class_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _is_cli_exception(exc: BaseException) -> bool:
    return "ClickException" in _class_names(exc) and hasattr(exc, "format_message")


def _is_usage_error(exc: BaseException) -> bool:
    return "UsageError" in _class_names(exc) and hasattr(exc, "format_message")


def _report_usage_error(exc: Any) -> None:
    names = _class_names(exc)
    ctx = getattr(exc, "ctx", None)
    if "NoArgsIsHelpError" in names:  # a bare group: its help is the answer
        sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
        return
    message = exc.format_message() if lang() == "en" else usage_message_zh(exc, names)
    print(error_line(message), file=sys.stderr)
    if ctx is not None and getattr(ctx, "command_path", None):
        print(_("用 `{command} -h` 查看用法。", command=ctx.command_path), file=sys.stderr)


def _param_label(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, str) and hint:
        return hint.strip("'\"")
    if isinstance(hint, (list, tuple)) and hint:
        return " / ".join(str(h) for h in hint)
    param = getattr(exc, "param", None)
    if param is None:
        return ""
    try:
        return str(param.get_error_hint(getattr(exc, "ctx", None))).replace("'", "")
    except (AttributeError, TypeError):
        return " / ".join(getattr(param, "opts", []) or [str(param.name)])


# Click's own wording of a bad value, in Chinese.
_VALUE_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(.*) is not in the range (.*)\.$"), "{0} 不在允许的范围 {1} 内"),
    (re.compile(r"^Input should be greater than or equal to (.*)$"), "应不小于 {0}"),
    (re.compile(r"^Input should be less than or equal to (.*)$"), "应不大于 {0}"),
    (re.compile(r"^Input should be greater than (.*)$"), "应大于 {0}"),
    (re.compile(r"^Input should be less than (.*)$"), "应小于 {0}"),
    (re.compile(r"^(.*) is not a valid integer( range)?\.$"), "{0} 不是整数"),
    (re.compile(r"^(.*) is not a valid float( range)?\.$"), "{0} 不是数字"),
    (re.compile(r"^(.*) is not a valid boolean\.$"), "{0} 不是是/否值"),
    (re.compile(r"^(.*) is not one of (.*)\.$"), "{0} 不是可选值 {1} 之一"),
    (re.compile(r"^(.*) is not (.*)\.$"), "{0} 不是 {1}"),
    (re.compile(r"^(?:File|Directory|Path) (.*) does not exist\.$"), "{0} 不存在"),
    (re.compile(r"^(?:File|Directory|Path) (.*) is a directory\.$"), "{0} 是文件夹"),
]


def _value_message_zh(message: str) -> str:
    for pattern, template in _VALUE_MESSAGES:
        m = pattern.match(message.strip())
        if m:
            return template.format(*(g or "" for g in m.groups()))
    return message


def usage_message_zh(exc: Any, names: set[str]) -> str:
    label = _param_label(exc)
    if "MissingParameter" in names:
        return f"缺少参数 {label}" if label else "缺少参数"
    if "NoSuchOption" in names:
        option = getattr(exc, "option_name", "")
        possible = list(getattr(exc, "possibilities", None) or [])
        tail = f"（是否想用 {'、'.join(possible)}？）" if possible else ""
        return f"没有这个选项：{option}{tail}"
    if "BadOptionUsage" in names:
        option = getattr(exc, "option_name", "")
        if "requires an argument" in str(getattr(exc, "message", "")):
            return f"选项 {option} 需要一个值"
        return f"选项 {option} 用法不对：{getattr(exc, 'message', '')}"
    if "BadParameter" in names:
        detail = _value_message_zh(str(getattr(exc, "message", "")))
        return f"{label} 的值无效：{detail}" if label else f"参数值无效：{detail}"
    message = str(getattr(exc, "message", "") or exc.format_message())
    m = re.match(r"^No such command '(.*)'\.$", message)
    if m:
        return f"没有这个命令：{m.group(1)}"
    if message.startswith("Missing command"):
        return "缺少命令"
    m = re.match(r"^Got unexpected extra arguments? \((.*)\)$", message)
    if m:
        return f"多余的参数：{m.group(1)}"
    return message
