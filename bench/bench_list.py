"""Contract list speed: filter-as-you-type over N generated contracts (issue 6 target: p95 < 50 ms at 10,000).

Run: `python -m bench.bench_list [N] [RUNS]`. Each measured step is what the list does per keystroke: fetch
the first page of matches (app.store.contract_list.search_contracts); the match count shown in the status bar
is computed once typing pauses and is reported separately. Exits 1 when the keystroke p95 misses the target.
`generate_contracts(db, n)` and `measure(db, queries)` are reused by the bench suite.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from app.codecs.sample import sample_contract
from app.domain import Status
from app.ops.first_run import open_store
from app.store.contract_list import count_contracts, search_contracts
from app.store.db import Database
from app.store.schema import ClauseRow, ContractRow, PartyRow, PaymentRow

TARGET_P95_MS = 50.0
CLAUSES_PER_CONTRACT = 12
PAGE = 200

COUNTIES = ["汤阴县", "内黄县", "滑县", "林州市", "安阳县", "殷都区", "龙安区", "文峰区", "北关区"]
BUYERS = ["公安局", "教育局", "卫生健康委员会", "自然资源局", "交通运输局", "人民医院", "第一中学", "财政局"]
SERVICES = ["视频监控系统", "云存储服务", "数据中心机房", "智慧校园平台", "网络安全等级保护", "政务外网专线", "应急指挥调度"]

#: Keystroke sequences a clerk might type (each prefix is one query).
TYPED = ["汤阴县公安局", "云存储服务", "CMHA-AY-2025", "验收合格", "防病毒网关", "内黄县教育局", "不存在的词语"]


def typing_queries(words: list[str] = TYPED) -> list[str]:
    """Every prefix of every word, as the list sees them while the user types."""
    return [w[:i] for w in words for i in range(1, len(w) + 1)]


def _flat_clauses() -> list[tuple[str, str, str]]:
    out = []
    for top in sample_contract().clauses:
        for _depth, clause in top.walk():
            if clause.text:
                out.append((clause.no, clause.title, clause.text))
    return out


def generate_contracts(db: Database, n: int, seed: int = 6) -> None:
    """Add `n` varied contracts (parties, payments, clause text from the sample) with bulk inserts."""
    rng = random.Random(seed)
    clauses = _flat_clauses()
    statuses = list(Status)
    with db.transaction() as s:
        start = (s.query(ContractRow).count() or 0) + 1
        contracts, parties, payments, clause_rows = [], [], [], []
        for i in range(start, start + n):
            county, buyer, service = rng.choice(COUNTIES), rng.choice(BUYERS), rng.choice(SERVICES)
            total = Decimal(rng.randrange(10_000, 9_000_000)) + Decimal(rng.randrange(100)) / 100
            status = statuses[i % len(statuses)]
            signed = date(2021 + i % 5, 1 + i % 12, 1 + i % 27) if status in (Status.SIGNED, Status.ARCHIVED) else None
            contracts.append(
                {
                    "id": i,
                    "number": f"CMHA-AY-{2020 + i % 6}{i:05d}",
                    "party_a_number": "",
                    "party_b_number": "",
                    "title": f"{county}{buyer}{service}项目合作协议（第{i}号）",
                    "project": f"{county}{service}",
                    "drafted": f"{2020 + i % 6}-{1 + i % 12:02d}",
                    "jurisdiction": "",
                    "currency": "CNY",
                    "total": total,
                    "tax_inclusive": True,
                    "fixed_price": False,
                    "status": status.value,
                    "signed_a": signed,
                    "signed_b": signed + timedelta(days=i % 5) if signed else None,
                    "delivery_days": 90,
                    "payee": "b",
                    "preamble": "",
                    "copies_total": 4,
                    "copies_a": 2,
                    "copies_b": 2,
                    "maintenance_months": 36,
                    "acceptance_request_days": 5,
                    "acceptance_working_days": 10,
                    "reminder_working_days": 5,
                    "version": 1,
                }
            )
            parties.append({"contract_id": i, "role": "a", "name": f"{county}{buyer}"})
            parties.append({"contract_id": i, "role": "b", "name": "中国移动通信集团河南有限公司安阳分公司"})
            for pos, share in enumerate((Decimal("0.3"), Decimal("0.7"))):
                payments.append(
                    {"contract_id": i, "position": pos, "amount": (total * share).quantize(Decimal("0.01")),
                     "due_after": "acceptance" if pos else "effective", "due_days": 30, "wording": ""}
                )
            first = rng.randrange(len(clauses))
            for pos in range(CLAUSES_PER_CONTRACT):
                no, title, text = clauses[(first + pos * 7) % len(clauses)]
                clause_rows.append(
                    {"contract_id": i, "parent_id": None, "position": pos, "no": no, "title": title,
                     "text": text.replace("汤阴县", county)}
                )
        s.execute(insert(ContractRow), contracts)
        s.execute(insert(PartyRow), parties)
        s.execute(insert(PaymentRow), payments)
        s.execute(insert(ClauseRow), clause_rows)


def measure(db: Database, queries: list[str]) -> list[float]:
    """Milliseconds per query for one keystroke's work: fetch the first page of matches."""
    out = []
    for q in queries:
        t0 = time.perf_counter()
        search_contracts(db, q, limit=PAGE)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure_counts(db: Database, queries: list[str]) -> list[float]:
    """Milliseconds per match count (the status bar figure, computed when typing pauses)."""
    out = []
    for q in queries:
        t0 = time.perf_counter()
        count_contracts(db, q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


SCREENFUL = 40


def measure_scrolling(db: Database, pages: int = 10) -> tuple[list[float], list[float]]:
    """What scrolling costs: fetching the next page deep in the list, and the deadlines of the rows shown."""
    from app.ops.standings import next_deadlines
    from app.store.calendar import load_calendar

    calendar = load_calendar(db)
    fetch, deadlines = [], []
    for n in range(pages):
        t0 = time.perf_counter()
        rows = search_contracts(db, offset=PAGE * (n * 4 + 1), limit=PAGE)
        fetch.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        next_deadlines(db, [r.number for r in rows[:SCREENFUL]], date(2025, 6, 1), calendar)
        deadlines.append((time.perf_counter() - t0) * 1000)
    return fetch, deadlines


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 10_000
    runs = int(argv[1]) if len(argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        db = open_store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        generate_contracts(db, n)
        print(f"generated {n} contracts in {time.perf_counter() - t0:.1f} s")
        queries = typing_queries()
        samples: list[float] = []
        for _run in range(runs):
            samples += measure(db, queries)
        worst = max(zip(measure(db, queries), queries, strict=True))
        counts = measure_counts(db, queries)
        scroll, deadlines = measure_scrolling(db)
        db.close()
    figure = p95(samples)
    print(f"filter-as-you-type (first page): {len(samples)} queries, median {statistics.median(samples):.1f} ms, "
          f"p95 {figure:.1f} ms (target {TARGET_P95_MS:.0f}), slowest {worst[0]:.1f} ms for {worst[1]!r}")
    print(f"match count: median {statistics.median(counts):.1f} ms, p95 {p95(counts):.1f} ms")
    print(f"scrolling: next page {statistics.median(scroll):.1f} ms, next deadlines of a screenful "
          f"({SCREENFUL} rows) {statistics.median(deadlines):.1f} ms (medians)")
    return 0 if figure < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
