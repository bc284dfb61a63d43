"""Months and quarters, with their Chinese labels."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text):
        """``2026Q3`` (or ``2026-Q3``, ``2026q3``) → Quarter; ValueError otherwise."""
        year, _sep, number = text.upper().replace("-", "").partition("Q")
        quarter = cls(int(year), int(number))
        if not 1 <= quarter.number <= 4:
            raise ValueError(text)
        return quarter

    @property
    def start(self):
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):
        """The last day of the quarter."""
        return self.next().start - datetime.timedelta(days=1)

    def next(self):
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self):
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def code(self):
        return f"{self.year}Q{self.number}"

    @property
    def label(self):
        return f"{self.year}年第{self.number}季度"

    def __str__(self):
        return self.label


def month_label(day):
    return f"{day.year}年{day.month}月"


def quarter_label(day):
    return Quarter.of(day).label
