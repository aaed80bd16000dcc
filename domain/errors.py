"""Perennial's own errors, translated at each boundary (HTTP in api/, ApplicationError in activities/).

PerennialError
├── PolicyError          the community policy file is invalid
├── ConfigError          a setting is missing or unsafe for this environment
├── NotFound             a record the caller named does not exist
├── Conflict             the request repeats something that must be unique
├── Rejected             a business rule refuses the request; the message says why
└── InvalidField         one named input field is wrong; the message says what to enter
"""


class PerennialError(Exception):
    pass


class PolicyError(PerennialError):
    pass


class ConfigError(PerennialError):
    pass


class NotFound(PerennialError):
    pass


class Conflict(PerennialError):
    pass


class Rejected(PerennialError):
    pass


class InvalidField(PerennialError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class MalformedLines(PerennialError):
    """Input lines that could not be read, each with its 1-based line number and what is wrong."""

    def __init__(self, source: str, problems: list[tuple[int, str]]) -> None:
        shown = "\n".join(f"  line {n}: {why}" for n, why in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{source}: {len(problems)} malformed line(s):\n{shown}{more}")
        self.problems = problems
