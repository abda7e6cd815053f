"""Score instrument answers from the command line: ``manage.py score CODE ANSWER… [--sex M|F]``.

Answers are the option points in item order, ``yes``/``no`` for yes/no items and ``-`` for an
unanswered item. The result is one JSON object on stdout (``ScoreResult.as_dict()``). With
``--jsonl FILE`` (``-`` for stdin) each line is ``{"instrument", "answers", "sex"}`` (``null`` for an
unanswered item or an unknown sex) and one result line is printed per input line, in order.

Bad input (an unknown instrument, the wrong number of answers, a value that is not an option, a
line that is not valid JSON) is reported on stderr and the command exits with status 2. In JSONL
mode nothing is printed unless every line scores.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from assessments.library import InstrumentError, get_instrument
from assessments.scoring import AnswerError, score

BAD_INPUT = 2


def _bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _sex(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.upper() in ("M", "F"):
        return value.upper()
    raise _bad_input(f"sex must be M or F, not {value!r}")


def _score(code, answers, sex) -> dict:
    if not isinstance(code, str) or not code:
        raise _bad_input(f"the instrument code must be a non-empty string, not {code!r}")
    try:
        instrument = get_instrument(code)
    except KeyError:
        raise _bad_input(f"unknown instrument {code!r}") from None
    try:
        return score(instrument, answers, _sex(sex)).as_dict()
    except AnswerError as exc:
        message = str(exc)
        raise _bad_input(message if message.startswith(f"{code} ") else f"{code}: {message}") from exc


class Command(BaseCommand):
    help = "Score one set of answers (CODE ANSWER…) or a JSONL file of them; print the results as JSON."
    # Scoring is plain Python over the instrument files: no database, no system checks needed.
    requires_system_checks = []
    stealth_options = ("stdin",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # "--s" must not silently mean "--sex" (or anything a later option adds).
        parser.allow_abbrev = False
        return parser

    def add_arguments(self, parser):
        # Answers such as "-1" stay positional: argparse treats a token that looks like a negative
        # number as an argument as long as no option itself looks like one (none here does), and a
        # lone "-" (unanswered) is always positional.
        parser.add_argument("code", nargs="?", help="instrument code, e.g. phq9")
        parser.add_argument(
            "answers", nargs="*", metavar="ANSWER", help="option points in item order; yes/no; - = unanswered"
        )
        parser.add_argument("--sex", help="M or F (some instruments score or band by sex)")
        parser.add_argument(
            "--jsonl", metavar="FILE", help='score each line {"instrument", "answers", "sex"}'
        )

    def handle(self, *args, **options):
        try:
            if options["jsonl"] is not None:
                if options["code"] is not None or options["answers"] or options["sex"] is not None:
                    raise _bad_input("--jsonl takes no CODE, ANSWER or --sex arguments")
                lines = self._score_jsonl(options["jsonl"], options.get("stdin") or sys.stdin)
            else:
                if options["code"] is None:
                    raise _bad_input("give an instrument CODE and its answers, or --jsonl FILE")
                lines = [_score(options["code"], list(options["answers"]), options["sex"])]
        except InstrumentError as exc:  # a broken instrument file is not the caller's input, but say so
            raise CommandError(f"instrument library: {exc}") from exc
        for result in lines:
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _score_jsonl(self, path: str, stdin) -> list[dict]:
        if path == "-":
            return self._score_lines(stdin)
        try:
            with open(path, encoding="utf-8") as stream:
                return self._score_lines(stream)
        except OSError as exc:
            raise _bad_input(f"cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise _bad_input(f"{path} is not UTF-8 text") from exc

    def _score_lines(self, stream) -> list[dict]:
        results = []
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _bad_input(f"line {number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise _bad_input(f'line {number}: expected an object {{"instrument", "answers", "sex"}}')
            unknown = set(record) - {"instrument", "answers", "sex"}
            if unknown:
                raise _bad_input(f"line {number}: unknown keys {sorted(unknown)}")
            answers = record.get("answers")
            if not isinstance(answers, list):
                raise _bad_input(f'line {number}: "answers" must be a list')
            try:
                results.append(_score(record.get("instrument"), answers, record.get("sex")))
            except CommandError as exc:
                raise _bad_input(f"line {number}: {exc}") from exc
        return results
