"""Cost tables as offices write them, for the tests: sections three levels deep, a section settled on actual
quantities (按实结算) at a 95.5 % discount, 13 % VAT on the table and 6 % on a service row.

Figures worked out by hand (each row rounded half up to the fen, then rounded rows added):

    一 绿化、卫生保洁部分                                  net 254,522.60  tax 17,547.94  gross 272,070.54
      1 绿化维护                                           net  32,522.60  tax  4,227.94
        1.1 乔木养护                                       net  14,601.00  tax  1,898.13
          乔木修剪   120 株 × 35.55   = 4,266.00           tax 554.58
          病虫害防治  12 次 × 861.25  = 10,335.00          tax 1,343.55
        1.2 草坪养护 5,600.5 ㎡ × 3.20 = 17,921.60         tax 2,329.81 (2,329.808)
      2 卫生保洁     12 月 × 18,500.00 = 222,000.00, 6 %   tax 13,320.00
    二 零星维修部分（按实结算），折扣率 95.5 %            no amount
      1 更换路灯灯头  按实结算, 268.00 → 255.94
      2 修补人行道砖  按实结算,  95.00 →  90.73 (90.725)
      3 疏通排水管    按实结算,  42.50 →  40.59 (40.5875)
    total: net 254,522.60 + tax 17,547.94 = 272,070.54, a ceiling of 300,000.00
"""

from __future__ import annotations

from decimal import Decimal

from app.domain import Contract, CostRow, CostTable, Payment, RowKind, TotalKind

D = Decimal
SECTION = RowKind.SECTION
CEILING = D("300000.00")
NET, TAX, GROSS = D("254522.60"), D("17547.94"), D("272070.54")


def showcase_rows() -> list[CostRow]:
    return [
        CostRow("绿化、卫生保洁部分", kind=SECTION, no="一", quantity=None),
        CostRow("绿化维护", kind=SECTION, level=1, no="1", quantity=None),
        CostRow("乔木养护", kind=SECTION, level=2, no="1.1", quantity=None, remark="含修剪、施肥"),
        CostRow("乔木修剪", "胸径10厘米以上", "株", D("120"), D("35.55"), "每年两次", level=3),
        CostRow("病虫害防治", "", "次", D("12"), D("861.25"), "", level=3),
        CostRow("草坪养护", "修剪、浇水", "平方米", D("5600.5"), D("3.20"), "", level=2, no="1.2"),
        CostRow("卫生保洁", "道路及绿地", "月", D("12"), D("18500.00"), "服务类，税率6%", level=1, no="2",
                vat_rate=D("0.06")),
        CostRow("零星维修部分（按实结算）", kind=SECTION, no="二", quantity=None, discount=D("0.955")),
        CostRow("更换路灯灯头", "LED 60W", "个", None, D("268.00"), "", level=1, no="1"),
        CostRow("修补人行道砖", "", "平方米", None, D("95.00"), "", level=1, no="2"),
        CostRow("疏通排水管", "DN300", "米", None, D("42.50"), "", level=1, no="3"),
    ]


def showcase_table() -> CostTable:
    return CostTable(showcase_rows(), vat_rate=D("0.13"), total_kind=TotalKind.CEILING)


def use_showcase(contract: Contract) -> Contract:
    """The sample contract with the showcase as annex 3, a ceiling of ¥300,000 and instalments within it."""
    contract.annex("3").table = showcase_table()
    contract.total = CEILING
    amounts = (D("100000.00"), D("100000.00"), D("72070.54"))
    contract.payments = [Payment(amount, p.due, p.wording) for amount, p in zip(amounts, contract.payments, strict=True)]
    return contract
