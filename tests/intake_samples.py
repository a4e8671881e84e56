"""Contracts composed for the intake tests, in the layouts clerks meet: the Ministry of Finance model layout for a
goods purchase (Word, with tables), a services contract (委托方/受托方, a pipe-separated table), a construction
contract (发包人/承包人, a tab-separated bill of quantities with sections). Names and numbers are made up."""

from __future__ import annotations

from pathlib import Path

from app.values.credit_code import check_character


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


SUPPLIER_CODE = credit_code("91410502MA44F6K3X")
HOSPITAL_CODE = credit_code("12410523417890123")
SERVICE_CODE = credit_code("91410503MA45BC7D2")
#: A construction company's code with a wrong check character (the review must say so).
BAD_CODE = credit_code("91410500MA46TT8Q5")[:-1] + ("1" if credit_code("91410500MA46TT8Q5")[-1] != "1" else "2")

MOF_HEAD = [
    "汤阴县中小学多媒体教室设备采购项目政府采购合同",
    "政府采购合同编号：HNCG-TY-2025-0107-1",
    "采购方式：公开招标",
    "合同类型：货物类",
    "采购人（甲方）：汤阴县教育局",
    "采购人地址：汤阴县人民路88号",
    "供应商（乙方）：河南鼎新电子科技有限公司",
    "供应商地址：安阳市文峰区光明路16号",
    f"统一社会信用代码：{SUPPLIER_CODE}",
    "依据《中华人民共和国民法典》《中华人民共和国政府采购法》与项目有关的法律法规，以及汤阴县中小学多媒体教室设备采购项目的"
    "《采购文件》，乙方的《投标（响应）文件》及《中标（成交）通知书》，甲乙双方同意签订本合同。具体情况及要求如下：",
    "一、标的信息",
]
MOF_TABLE = [
    ["序号", "标的名称", "政府采购品目", "型号规格", "数量单位", "数量", "单价（元）", "总价（元）"],
    ["1", "交互式智能平板", "多媒体设备", "86英寸", "台", "20", "12,800.00", "256,000.00"],
    ["2", "实物展台", "多媒体设备", "1300万像素", "台", "20", "1,150.00", "23,000.00"],
    ["3", "安装调试服务", "安装服务", "—", "项", "1", "6,500.00", "6,500.00"],
]
MOF_BODY = [
    "合计金额小写：285,500.00元",
    "合计金额大写：贰拾捌万伍仟伍佰元整",
    "合同标的及金额明细：详见上表。",
    "二、货物要求",
    "（一）乙方交付的货物应为全新、未使用过的合格产品，符合国家有关标准。",
    "（二）交货期限：合同签订后30日内交货并安装调试完毕。",
    "（三）质保期：验收合格之日起3年。",
    "三、合同定价方式、付款进度和支付方式",
    "（一）定价方式：固定总价。",
    "（二）付款进度：",
    "1.合同签订后10个工作日内，甲方支付合同总价的30%，即人民币85,650.00元（大写：捌万伍仟陆佰伍拾元整）；",
    "2.货物验收合格后15日内，甲方支付合同总价的65%，即人民币185,575.00元（大写：壹拾捌万伍仟伍佰柒拾伍元整）；",
    "3.质保期满一年后15日内，甲方支付合同总价的5%，即人民币14,275.00元（大写：壹万肆仟贰佰柒拾伍元整）。",
    "（三）支付方式：银行转账。",
    "四、履约验收",
    "乙方交货后，甲方应在收到乙方验收申请后 5 个工作日内组织验收。",
    "五、违约责任",
    "乙方逾期交货的，每逾期一日按合同总价的千分之五向甲方支付违约金。",
    "六、争议解决",
    "合同履行中发生争议，双方协商解决；协商不成的，依法向甲方所在地人民法院提起诉讼。",
    "七、合同生效及其他",
    "（一）本合同自双方签字盖章之日起生效。",
    "（二）本合同一式五份，甲方执三份，乙方执一份，采购代理机构执一份。",
]
MOF_SIGNING = [
    "甲方（盖章）：汤阴县教育局\n法定代表人或授权代表（签字）：王建国\n日期：2025年6月10日",
    "乙方（盖章）：河南鼎新电子科技有限公司\n法定代表人或授权代表（签字）：刘晓峰\n开户银行：中国建设银行安阳分行\n"
    "账号：41050162360800001234\n日期：2025年6月12日",
]


def mof_goods_docx(path: Path, *, upper_total: str = "贰拾捌万伍仟伍佰元整") -> Path:
    """The Ministry of Finance model layout of a goods contract as a Word file: head fields, 一、标的信息 with a
    table and 合计金额小写/大写, numbered sections, the signing block as a two-column table."""
    import docx

    document = docx.Document()
    for line in MOF_HEAD:
        document.add_paragraph(line)
    table = document.add_table(rows=len(MOF_TABLE), cols=len(MOF_TABLE[0]))
    for r, row in enumerate(MOF_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in MOF_BODY:
        document.add_paragraph(line.replace("贰拾捌万伍仟伍佰元整", upper_total))
    signing = document.add_table(rows=1, cols=2)
    for c, value in enumerate(MOF_SIGNING):
        signing.cell(0, c).text = value
    document.save(str(path))
    return path


SERVICES = f"""技术服务合同

合同编号：TY-FW-2025-032

委托方（甲方）：汤阴县人民医院
法定代表人：张明
地址：汤阴县中华路12号
统一社会信用代码：{HOSPITAL_CODE}

受托方（乙方）：安阳云帆信息技术有限公司
法定代表人：李娜
地址：安阳市北关区红旗路9号
统一社会信用代码：{SERVICE_CODE}
开户行：中国农业银行安阳分行
账号：16190101040012345

根据《中华人民共和国民法典》的规定，经双方协商一致，签订本合同。

一、服务内容
（一）乙方为甲方提供医院信息系统运行维护服务，服务期限自2025年7月1日至2026年6月30日，为期一年。
（二）服务费用明细如下：
序号|服务项目|单位|数量|单价（元）|金额（元）|备注
1|系统巡检|次|12|1,500.00|18,000.00|每月一次
2|驻场运维|人月|12|8,000.00|96,000.00|
3|应急响应|次||2,000.00||按实结算
合计|||||114,000.00|
二、费用及支付
（一）本合同服务费用总计人民币114,000.00元（大写：壹拾壹万肆仟元整），含税。
（二）合同签订后15日内，甲方支付服务费用的50%，即人民币57,000.00元；服务期满并经甲方验收合格后15日内，甲方支付剩余50%，即人民币57,000.00元。
三、保密
乙方对在服务中知悉的甲方数据负有保密义务，
未经甲方书面同意不得向任何第三方披露。
四、争议解决
因本合同引起的争议，双方协商解决；协商不成的，提交安阳仲裁委员会仲裁。
五、其他
本合同一式四份，双方各执两份，自双方签字盖章之日起生效。

甲方（盖章）：汤阴县人民医院
授权代表（签字）：
日期：2025年6月20日

乙方（盖章）：安阳云帆信息技术有限公司
授权代表（签字）：李娜
日期：2025年6月20日
"""

CONSTRUCTION = f"""汤阴县城关镇道路维修工程施工合同

合同编号：TYJS-2025-018

发包人（甲方）：汤阴县城关镇人民政府
地址：汤阴县城关镇政府街1号
承包人（乙方）：河南路通建设工程有限公司
法定代表人：赵刚
地址：安阳市殷都区钢城路20号
统一社会信用代码：{BAD_CODE}

第一条 工程概况
1.1 工程名称：汤阴县城关镇道路维修工程。
1.2 工程内容：详见工程量清单。
第二条 合同价款
2.1 本合同签约合同价为人民币352,600.00元（大写：叁拾伍万贰仟陆佰元整）。工程量清单如下：
序号\t项目名称\t单位\t工程量\t综合单价\t合价\t备注
一\t路面工程\t\t\t\t300,600.00\t
1\t沥青路面铣刨\t㎡\t5000\t12.00\t60,000.00\t
2\t沥青混凝土摊铺\t㎡\t5000\t48.00\t240,000.00\t
二\t附属工程\t\t\t\t52,000.00\t
1\t路缘石更换\tm\t800\t65.00\t52,000.00\t
合计\t\t\t\t\t352,600.00\t
2.2 合同价款的支付：合同签订后7日内支付签约合同价的30%；工程竣工验收合格后30日内支付至签约合同价的97%，即人民币235,000.00元；剩余3%作为质量保证金，缺陷责任期满后支付。
第三条 工期
3.1 计划工期自2025年8月1日至2025年10月31日，共90日历日。
第四条 其他
4.1 本合同一式六份，甲方执三份，乙方执二份。
4.2 发生争议的，向工程所在地人民法院起诉。

（以下无正文）

甲方（盖章）：汤阴县城关镇人民政府
乙方（盖章）：河南路通建设工程有限公司
"""


def services_gbk(path: Path) -> Path:
    path.write_bytes(SERVICES.encode("gbk"))
    return path


def construction_utf8_bom(path: Path) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + CONSTRUCTION.replace("\n", "\r\n").encode("utf-8"))
    return path


#: The Ministry of Finance model layout of a services contract whose 合同标的及金额明细 has sections: 一 states a
#: subtotal typed wrong on its heading (310,500.00; its rows add up to 301,500.00), 二 states its subtotal in a
#: 小计 row (right), 三 holds rows settled on actual quantities (按实结算) with a unit price only.
MOF_SECTIONED_HEAD = [
    "汤阴县城区绿化养护及环卫保洁服务项目政府采购合同",
    "政府采购合同编号：HNCG-TY-2025-0215-1",
    "采购方式：竞争性磋商",
    "合同类型：服务类",
    "采购人（甲方）：汤阴县城市管理局",
    "采购人地址：汤阴县文化路66号",
    "供应商（乙方）：安阳绿洁环境服务有限公司",
    "供应商地址：安阳市龙安区太行路28号",
    f"统一社会信用代码：{SERVICE_CODE}",
    "依据《中华人民共和国民法典》《中华人民共和国政府采购法》与项目有关的法律法规，以及汤阴县城区绿化养护及环卫保洁服务"
    "项目的《采购文件》，乙方的《响应文件》及《成交通知书》，甲乙双方同意签订本合同。具体情况及要求如下：",
    "一、标的信息",
]
MOF_SECTIONED_SUMMARY = [
    ["序号", "标的名称", "政府采购品目", "数量单位", "数量", "单价（元）", "总价（元）"],
    ["1", "城区绿化养护及环卫保洁服务", "环境服务", "项", "1", "1,021,500.00", "1,021,500.00"],
]
MOF_SECTIONED_AFTER_SUMMARY = [
    "合计金额小写：1,021,500.00元",
    "合计金额大写：壹佰零贰万壹仟伍佰元整",
    "二、合同标的及金额明细",
]
MOF_SECTIONED_DETAIL = [
    ["序号", "项目名称", "服务内容", "单位", "数量", "单价（元）", "金额（元）", "备注"],
    ["一", "绿化养护部分", "", "", "", "", "310,500.00", ""],
    ["1", "乔木养护", "修剪、施肥、病虫害防治", "株", "1500", "45.00", "67,500.00", ""],
    ["2", "灌木及绿篱修剪", "", "平方米", "12000", "12.00", "144,000.00", ""],
    ["3", "草坪养护", "修剪、浇水", "平方米", "30000", "3.00", "90,000.00", ""],
    ["二", "环卫保洁部分", "", "", "", "", "", ""],
    ["1", "道路清扫保洁", "主次干道", "月", "12", "48,000.00", "576,000.00", ""],
    ["2", "垃圾清运", "", "月", "12", "12,000.00", "144,000.00", ""],
    ["小计", "", "", "", "", "", "720,000.00", ""],
    ["三", "零星维修", "", "", "", "", "", "不计入合计"],
    ["1", "更换路灯灯头", "LED 60W", "个", "按实结算", "268.00", "按实结算", ""],
    ["2", "修补人行道砖", "", "平方米", "按实结算", "95.00", "按实结算", ""],
    ["合计", "", "", "", "", "", "1,021,500.00", ""],
]
MOF_SECTIONED_BODY = [
    "三、服务要求",
    "（一）服务期限：自2025年7月1日至2026年6月30日，为期一年。",
    "（二）乙方应按照采购文件及响应文件的要求提供服务，每月接受甲方考核。",
    "四、合同定价方式、付款进度和支付方式",
    "（一）定价方式：固定总价。",
    "（二）付款进度：",
    "1.合同签订后10个工作日内，甲方支付合同总价的40%，即人民币408,600.00元（大写：肆拾万零捌仟陆佰元整）；",
    "2.服务期满并经甲方考核合格后15日内，甲方支付合同总价的60%，即人民币612,900.00元（大写：陆拾壹万贰仟玖佰元整）。",
    "（三）支付方式：银行转账。",
    "五、争议解决",
    "合同履行中发生争议，双方协商解决；协商不成的，依法向甲方所在地人民法院提起诉讼。",
    "六、合同生效及其他",
    "（一）本合同自双方签字盖章之日起生效。",
    "（二）本合同一式四份，甲乙双方各执两份。",
]
MOF_SECTIONED_SIGNING = [
    "甲方（盖章）：汤阴县城市管理局\n法定代表人或授权代表（签字）：周文斌\n日期：2025年6月25日",
    "乙方（盖章）：安阳绿洁环境服务有限公司\n法定代表人或授权代表（签字）：孙丽\n开户银行：中国工商银行安阳分行\n"
    "账号：1706020109200012345\n日期：2025年6月26日",
]


def _word_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def mof_sectioned_docx(path: Path) -> Path:
    """The Ministry of Finance model layout of a services contract as a Word file, with the sectioned
    合同标的及金额明细 (see MOF_SECTIONED_DETAIL)."""
    import docx

    document = docx.Document()
    for line in MOF_SECTIONED_HEAD:
        document.add_paragraph(line)
    _word_table(document, MOF_SECTIONED_SUMMARY)
    for line in MOF_SECTIONED_AFTER_SUMMARY:
        document.add_paragraph(line)
    _word_table(document, MOF_SECTIONED_DETAIL)
    for line in MOF_SECTIONED_BODY:
        document.add_paragraph(line)
    _word_table(document, [MOF_SECTIONED_SIGNING])
    document.save(str(path))
    return path


#: A maintenance framework contract whose price list has a discount and a VAT column and whose total is a
#: ceiling (合同金额上限), as a tab-separated UTF-8 text.
CEILING_VAT = f"""办公设备维修服务框架协议

合同编号：TY-WX-2025-009

甲方：汤阴县财政局
地址：汤阴县人民路1号
乙方：汤阴县恒通办公设备维修部
地址：汤阴县光明路18号
统一社会信用代码：{SUPPLIER_CODE}

第一条 服务内容及价格
1.1 乙方为甲方提供办公设备维修服务，维修项目及单价如下，按实际发生的维修次数结算：
序号\t项目名称\t单位\t数量\t基准单价（元）\t折扣率\t折扣单价（元）\t不含税金额（元）\t税率\t税额（元）\t含税金额（元）
1\t打印机维修\t次\t按实结算\t200.00\t90%\t180.00\t按实结算\t6%\t\t
2\t复印机保养\t台\t10\t500.00\t90%\t450.00\t4,500.00\t6%\t270.00\t4,770.00
3\t硒鼓更换\t个\t20\t400.00\t90%\t360.00\t7,200.00\t13%\t936.00\t8,136.00
合计\t\t\t\t\t\t\t11,700.00\t\t1,206.00\t12,906.00
1.2 本合同金额上限为人民币50,000.00元（大写：伍万元整），结算金额不超过上限，含税。
第二条 其他
2.1 本合同一式两份，甲乙双方各执一份。

甲方（盖章）：汤阴县财政局
乙方（盖章）：汤阴县恒通办公设备维修部
"""
