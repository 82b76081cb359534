"""Made-up but plausible Chinese names, one per index and the same on every run.

Every synthetic union's name starts with SYNTHETIC (so the synthetic world is told apart from the demo's by one
prefix); leaders have compound surnames (欧阳, 司马…), which no demo person has, so a synthetic studio's name
(领衔人姓名 + 劳模和工匠人才创新工作室, unique) never meets a demo one.
"""
SYNTHETIC = "合成"

COMPOUND_SURNAMES = ("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 "
                     "西门 百里 呼延 澹台 公冶 宗政 濮阳 太史 申屠 闻人 赫连 钟离").split()
SURNAMES = list("陈林黄张李王吴刘蔡杨郑许谢洪郭邱曾廖赖徐周叶苏庄吕江何萧罗高潘简朱钟彭游詹胡施沈余卢梁赵颜柯翁魏孙戴方宋")
GIVEN = list(dict.fromkeys("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌辉玲海波宇浩凯鹏飞瑞婷雪琳晨"
             "欣怡佳颖子涵梓轩思远嘉豪俊博鑫宏振德"))
PROVINCES = list("粤闽浙苏鲁豫鄂湘赣皖川渝黔滇桂琼冀晋辽吉黑陕甘青宁新蒙藏京津沪")
PLACES = list("东西南北中新安平宁昌阳江山海河湖州城林源泉溪岭桥田丰华兴隆盛泰和康永福")
PLACE_SUFFIX = ["县", "区", "市"]
INDUSTRIES = ["教育", "卫生健康", "交通运输", "能源化工", "机械冶金", "电子信息", "纺织轻工", "建设建材",
              "农林水利", "金融商贸", "邮电通信", "国防工业"]
COMPANY_WORDS = list(dict.fromkeys("金银宏盛达鑫源恒泰华锦诚信和顺丰瑞祥隆兴嘉昌安康永福新创通汇远航力"))
COMPANY_KINDS = ["机械制造", "电子科技", "精密铸造", "化工", "纺织", "食品", "医药", "电力", "建材", "汽车配件",
                 "船舶修造", "电器", "模具", "新材料", "物流", "环保设备", "光电", "水务", "钢铁", "陶瓷"]
FIELDS = ["精密加工", "焊接工艺", "数控编程", "设备维修", "质量检测", "节能降耗", "自动化改造", "工艺创新",
          "安全生产", "电力运维", "化工工艺", "模具设计", "软件开发", "新材料应用", "智能制造", "绿色生产"]
JOBS = ["高级技师", "技师", "车间主任", "班组长", "工程师", "高级工程师", "首席技师", "技术骨干"]


def _digits(index, *bases):
    """`index` in mixed radix: the first digit varies fastest."""
    out = []
    for base in bases:
        index, digit = divmod(index, base)
        out.append(digit)
    return out, index


def person(index, surnames=COMPOUND_SURNAMES):
    """A full name; unique per index while index < len(surnames) × len(GIVEN)²; later ones get a third given
    character."""
    (s, g1, g2), rest = _digits(index, len(surnames), len(GIVEN), len(GIVEN))
    extra = GIVEN[(rest - 1) % len(GIVEN)] if rest else ""
    return f"{surnames[s]}{GIVEN[g1]}{GIVEN[g2]}{extra}"


def member(index):
    """A team member's name (single surnames; need not be unique)."""
    (s, g1, g2), _rest = _digits(index * 7919, len(SURNAMES), len(GIVEN), len(GIVEN))
    return f"{SURNAMES[s]}{GIVEN[g1]}{GIVEN[g2]}"


def recommending_union(index):
    """A county-level union (三分之二) or an industry union (the rest), under the root."""
    (p, a, b), rest = _digits(index // 3, len(PROVINCES), len(PLACES), len(PLACES))
    place = f"{PROVINCES[p]}{PLACES[a]}{PLACES[b]}" + (str(rest) if rest else "")
    if index % 3 == 2:
        return f"{SYNTHETIC}{place}{INDUSTRIES[index % len(INDUSTRIES)]}工会"
    return f"{SYNTHETIC}{place}{PLACE_SUFFIX[index % 3]}总工会"


def unit_union(index):
    (a, b, k), rest = _digits(index, len(COMPANY_WORDS), len(COMPANY_WORDS), len(COMPANY_KINDS))
    serial = f"第{rest + 1}" if rest else ""
    return f"{SYNTHETIC}{COMPANY_WORDS[a]}{COMPANY_WORDS[b]}{COMPANY_KINDS[k]}{serial}有限公司工会"
