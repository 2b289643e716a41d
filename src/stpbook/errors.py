"""The project's single exception type."""


class StpBookError(Exception):
    """A problem a reader can act on: the message names the file, row, column or
    parameter at fault and says what was expected."""


class ParameterError(StpBookError):
    """A chapter parameter or scenario value that is unknown, mistyped or out of range."""


class DataError(StpBookError):
    """A data file that is missing, malformed or breaks its schema."""


class ExecutionError(StpBookError):
    """A chapter notebook that failed while executing."""
