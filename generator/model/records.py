"""The records of the data contract, as frozen dataclasses.

Field names are the YAML keys, so that the schema can build these directly.  Every record
keeps a :class:`Loc` telling where it was written, for messages and "edit this page" links.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.model.forge import Forge


@dataclass(frozen=True)
class Loc:
    path: str  # data/units/x/pledges.yaml, relative to the project root
    line: int
    key: str  # key path of the record itself, e.g. pledges[2]
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def at(self, name: str) -> tuple[str, int, str]:
        """(path, line, key path) of one field, falling back to the record's own line."""
        key = f"{self.key}.{name}" if self.key else name
        return self.path, self.lines.get(name, self.line), key


NOWHERE = Loc("", 0, "")


class PledgeState(enum.Enum):
    WITHDRAWN = "已撤回"
    DONE = "已完成"
    DONE_LATE = "逾期完成"
    OVERDUE = "逾期"
    NOT_STARTED = "未开始"
    IN_PROGRESS = "推进中"


class RectState(enum.Enum):
    OBJECTED = "有异议"
    CLOSED = "已销号"
    CLOSED_LATE = "逾期销号"
    NOTICE = "销号公示中"
    AWAITING = "待验收"
    OVERDUE = "逾期未整改"
    OPEN = "整改中"


class DutyState(enum.Enum):
    MET = "已完成"
    MET_LATE = "逾期完成"
    MISSED = "未完成"
    NOT_DUE = "未到期"


class DutyKind(enum.Enum):
    PLEDGES = "pledges"
    LEDGER = "ledger"
    REPORT = "report"
    PROBLEMS = "problems"


DEFAULT_GRACE_DAYS = 7  # contract §3b: backdate_grace_days when site.yaml does not set it
DEFAULT_CATEGORIES = ("乡镇政府", "综合性部门", "审批职能部门", "司法执法部门", "宣传部门", "重点工作专班", "其他")
RECT_SOURCES = ("自查", "督查", "明察暗访", "电话核实", "群众反映", "上级通报")
INSPECTION_METHODS = ("明察暗访", "现场抽查", "电话核实", "专项督导")
FINDING_RESULTS = ("合格", "发现问题")
EDITING_BACKENDS = ("forgejo", "gitlab", "github")
CHANGE_FIELDS = ("title", "commitment", "deadline", "measures", "indicator", "responsible")
RECT_CHANGE_FIELDS = ("problem", "measures", "category", "source", "responsible", "deadline")


@dataclass(frozen=True)
class Oversight:
    loc: Loc
    hotline: str | None = None
    email: str | None = None
    address: str | None = None
    report_url: str | None = None


@dataclass(frozen=True)
class Site:
    loc: Loc
    title: str
    owner: str
    oversight: Oversight
    timezone: str = "Asia/Shanghai"
    stale_after_days: int = 45
    closure_notice_days: int = 7
    backdate_grace_days: int = DEFAULT_GRACE_DAYS
    unit_categories: tuple[str, ...] = DEFAULT_CATEGORIES
    base_url: str | None = None
    repo_url: str | None = None
    edit_branch: str = "main"
    license: str | None = None
    office_team: str | None = None  # CODEOWNERS owners of the shared files, space-separated
    forge: Forge = Forge.GITHUB
    editing: Editing | None = None


@dataclass(frozen=True)
class Editing:
    """The web editor's backend (site.yaml `editing`)."""

    loc: Loc
    backend: str
    repo: str
    branch: str = "main"
    api_root: str | None = None
    base_url: str | None = None
    auth_endpoint: str | None = None
    app_id: str | None = None


@dataclass(frozen=True)
class Duty:
    loc: Loc
    kind: DutyKind
    due: date | None = None
    every_days: int | None = None


@dataclass(frozen=True)
class Phase:
    loc: Loc
    id: str
    name: str
    start: date
    end: date | None = None
    summary: str | None = None
    duties: tuple[Duty, ...] = ()


@dataclass(frozen=True)
class Target:
    op: str
    value: float

    def met(self, x: float) -> bool:
        return {
            ">=": x >= self.value,
            "<=": x <= self.value,
            ">": x > self.value,
            "<": x < self.value,
            "=": x == self.value,
        }[self.op]

    def __str__(self) -> str:
        v = int(self.value) if float(self.value).is_integer() else self.value
        return f"{self.op} {v}"


@dataclass(frozen=True)
class Measurement:
    loc: Loc
    date: date
    value: float
    source: str | None = None


@dataclass(frozen=True)
class Indicator:
    loc: Loc
    id: str
    name: str
    unit: str
    target: Target
    baseline: float | None = None
    due: date | None = None
    measurements: tuple[Measurement, ...] = ()


@dataclass(frozen=True)
class Campaign:
    loc: Loc
    id: str
    title: str
    organizer: str
    phases: tuple[Phase, ...]
    document: str | None = None
    document_url: str | None = None
    summary: str | None = None
    participants: Any = "all"  # "all" or tuple of unit ids / categories
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Contact:
    loc: Loc
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Unit:
    loc: Loc
    id: str
    name: str
    category: str
    short_name: str | None = None
    head: str | None = None
    service_officer: str | None = None
    contact: Contact | None = None
    notice_location: str | None = None
    maintainers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PledgeIndicator:
    loc: Loc
    name: str
    unit: str
    target: Target
    baseline: float | None = None


@dataclass(frozen=True)
class Change:
    """A public change of one field after publication (a pledge's or a rectification's).

    ``from_`` and ``to`` are typed by the loader, once: a ``date`` for ``deadline``, a
    :class:`Target` for ``indicator``, a tuple of text for ``measures``, text otherwise.
    """

    loc: Loc
    date: date
    field: str
    why: str
    from_: Any = None
    to: Any = None


@dataclass(frozen=True)
class Withdrawal:
    loc: Loc
    date: date
    why: str


@dataclass(frozen=True)
class Pledge:
    loc: Loc
    id: str
    campaign: str
    title: str
    commitment: str
    published: date
    measures: tuple[str, ...] = ()
    beneficiaries: str | None = None
    deadline: date | None = None
    responsible: str | None = None
    tags: tuple[str, ...] = ()
    indicator: PledgeIndicator | None = None
    changes: tuple[Change, ...] = ()
    withdrawn: Withdrawal | None = None
    unit: str = ""  # filled in by the loader from the folder


@dataclass(frozen=True)
class LedgerEntry:
    loc: Loc
    date: date
    pledge: str
    progress: int
    note: str
    evidence: tuple[str, ...] = ()
    value: float | None = None
    correction: str | None = None
    unit: str = ""
    seq: int = 0  # position in the file: the later of two entries on one day wins


@dataclass(frozen=True)
class Update:
    loc: Loc
    date: date
    note: str


@dataclass(frozen=True)
class Closure:
    loc: Loc
    date: date
    summary: str
    evidence: tuple[str, ...] = ()
    verified_by: str | None = None
    verified_on: datetime.date | None = None  # after the field `date`, the name means the field


@dataclass(frozen=True)
class Resolution:
    loc: Loc
    date: date
    summary: str


@dataclass(frozen=True)
class Objection:
    loc: Loc
    date: date
    summary: str
    resolution: Resolution | None = None


@dataclass(frozen=True)
class Rectification:
    loc: Loc
    id: str
    campaign: str
    found: date
    source: str
    problem: str
    measures: tuple[str, ...]
    deadline: date
    inspection: str | None = None
    category: str | None = None
    responsible: str | None = None
    updates: tuple[Update, ...] = ()
    closure: Closure | None = None
    objections: tuple[Objection, ...] = ()
    changes: tuple[Change, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Finding:
    loc: Loc
    unit: str
    result: str
    note: str | None = None
    rectification: str | None = None


@dataclass(frozen=True)
class Inspection:
    loc: Loc
    id: str
    campaign: str
    date: date
    method: str
    by: str
    findings: tuple[Finding, ...] = ()
    summary: str | None = None


@dataclass(frozen=True)
class Weights:
    loc: Loc
    self: float
    social: float
    leadership: float


@dataclass(frozen=True)
class Grade:
    loc: Loc
    name: str
    min: float


@dataclass(frozen=True)
class Score:
    loc: Loc
    unit: str
    self: float
    social: float
    leadership: float
    note: str | None = None


@dataclass(frozen=True)
class Evaluation:
    loc: Loc
    campaign: str
    published: date
    weights: Weights
    scores: tuple[Score, ...]
    grades: tuple[Grade, ...] = ()


@dataclass(frozen=True)
class Report:
    loc: Loc
    title: str
    submitted: date
    unit: str = ""
    campaign: str = ""
    body: str = ""


@dataclass(frozen=True)
class UnitFolder:
    """Everything one unit's editors own."""

    unit: Unit
    pledges: tuple[Pledge, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
    rectifications: tuple[Rectification, ...] = ()
    reports: Mapping[str, Report] = field(default_factory=dict)
    evidence: frozenset[str] = frozenset()  # paths relative to the unit folder: evidence/a.pdf


@dataclass(frozen=True)
class Dataset:
    root: str  # the project root on disk
    site: Site
    campaigns: Mapping[str, Campaign]
    units: Mapping[str, UnitFolder]
    inspections: tuple[Inspection, ...] = ()
    evaluations: Mapping[str, Evaluation] = field(default_factory=dict)
    data_dir: str = "data"  # the data folder, a posix path relative to root (the plugin's data_dir)
