"""Errors as values with a code, what went wrong and where (the callback option or trainer setting)."""


class MarginlabTRLError(Exception):
    def __init__(self, code, what, where, hint=None):
        self.code, self.what, self.where, self.hint = code, what, where, hint
        super().__init__(f"{code} at {where}: {what}" + (f" ({hint})" if hint else ""))
