"""易错词: words typed with a wrong character (别字) that proofreaders of 公文 catch, kept as data.

Each entry: the wrong form, the right one, and what decides when the wrong form is also a real word or
can arise across two words — `after` / `before` (a regex the text right after or before must match for
the entry to apply), `unless_after` (a regex that, matched after it, keeps it quiet). Every match must
also fall on word boundaries of the segmenter (rjieba, jieba's dictionary): 登陆 in 登陆舰, 按排 in
按排名 or 座落 in 一座落成 are not flagged (`bounds`: "both", the default; "start" where the segmenter
joins the wrong form to the next word; "none" where no reading makes the wrong form right). `ok` and `bad` are a real false and true positive for each
entry; tests/test_proofread_second.py checks both for every entry.

No maintained list or library of such words is published as a package (the PyPI index has none that is
kept up; pycorrector, a statistical corrector, is not on it and would flag far more than it should), so
the list is ours, drawn from these sources:

* [K] 《咬文嚼字》编辑部，“当代汉语出版物中最常见的 100 个别字”（2006）及历年“十大语文差错”；
* [X] 《现代汉语词典》第 7 版（商务印书馆，2016）：each right form and its sense;
* [Y] 教育部、国家语委《第一批异形词整理表》（2001）与《现代汉语词典》账/帐 的分工（账号、账户、账目）。
"""

from __future__ import annotations

CONFUSABLES: list[dict] = [
    # 安排 / 按: 按排名 (按 + 排名) is right and is kept quiet by the word boundary
    {"wrong": "按排", "right": "安排", "source": "K", "bad": "认真按排好学期工作。", "ok": "按排名先后确定入选名单。"},
    {
        "wrong": "既使",
        "right": "即使",
        "after": r"[^。；]{0,20}也",
        "unless_after": r"[^。；]{0,20}又",
        "source": "K",
        "bad": "既使困难再多，也要按期完成。",
        "ok": "既使学生受益，又减轻了家长负担。",
    },
    # 截至 + a point in time (截至2024年底); 截止 is a deadline (截止日期, 报名截止)
    {
        "wrong": "截止",
        "right": "截至",
        "after": r"\s*(?:\d|目前|当前|今年|本月|本周|上月|年底|年末|发稿|\d{4}年)",
        "source": "X",
        "bad": "截止2024年底，全区共有学校120所。",
        "ok": "报名截止日期为3月1日。",
    },
    {
        "wrong": "布署",
        "right": "部署",
        "source": "K",
        "bad": "按照区委布署，扎实推进。",
        "ok": "按照区委部署，扎实推进。",
    },
    {"wrong": "部暑", "right": "部署", "source": "K", "bad": "认真落实上级部暑。", "ok": "暑期工作部署会议。"},
    {
        "wrong": "帐号",
        "right": "账号",
        "source": "Y",
        "bad": "为每位教师开通平台帐号。",
        "ok": "为每位教师开通平台账号。",
    },
    {"wrong": "帐户", "right": "账户", "source": "Y", "bad": "使用预收费专用帐户。", "ok": "使用预收费专用账户。"},
    {"wrong": "帐目", "right": "账目", "source": "Y", "bad": "定期公开帐目。", "ok": "定期公开账目。"},
    # 登录 a system; 登陆 is to land (登陆舰, 台风登陆)
    {
        "wrong": "登陆",
        "right": "登录",
        "after": r"(?:系统|平台|网站|网页|账号|帐号|账户|页面|邮箱|客户端|App|APP)",
        "source": "X",
        "bad": "教师登陆平台填报数据。",
        "ok": "台风登陆上海前做好防汛准备。",
    },
    {"wrong": "做为", "right": "作为", "source": "X", "bad": "做为全区试点学校。", "ok": "把安全工作看做为头等大事。"},
    # the segmenter reads 座落在 as one word: the start of the match is enough (一座落成 still quiet)
    {
        "wrong": "座落",
        "right": "坐落",
        "source": "K",
        "bounds": "start",
        "bad": "新校区座落在顾村镇。",
        "ok": "一座落成不久的新校舍。",
    },
    {"wrong": "再接再励", "right": "再接再厉", "source": "K", "bad": "希望各校再接再励。", "ok": "希望各校再接再厉。"},
    # 反映 a problem or a situation to someone; 反应 is a response (反应迅速, 化学反应)
    {
        "wrong": "反应",
        "right": "反映",
        "after": r"(?:问题|情况|意见|诉求|民意|心声|给)",
        "source": "X",
        "bad": "及时向上级反应问题。",
        "ok": "应急处置反应迅速。",
    },
    {"wrong": "宏扬", "right": "弘扬", "source": "K", "bad": "宏扬教育家精神。", "ok": "弘扬教育家精神。"},
    {"wrong": "震憾", "right": "震撼", "source": "K", "bad": "一堂令人震憾的思政课。", "ok": "一堂令人震撼的思政课。"},
    {"wrong": "松驰", "right": "松弛", "source": "K", "bad": "防止纪律松驰。", "ok": "防止纪律松弛。"},
    {"wrong": "急燥", "right": "急躁", "source": "K", "bad": "克服急燥情绪。", "ok": "克服急躁情绪。"},
    {"wrong": "决择", "right": "抉择", "source": "K", "bad": "面对重大决择。", "ok": "面对重大抉择。"},
    {"wrong": "篮图", "right": "蓝图", "source": "K", "bad": "绘就教育发展篮图。", "ok": "绘就教育发展蓝图。"},
    {"wrong": "针贬", "right": "针砭", "source": "K", "bad": "针贬时弊。", "ok": "针砭时弊。"},
    # no word reads 必竟 (the segmenter cuts 必 / 竟是): anywhere
    {
        "wrong": "必竟",
        "right": "毕竟",
        "source": "K",
        "bounds": "none",
        "bad": "必竟是新学校。",
        "ok": "毕竟是新学校。",
    },
    {"wrong": "峻工", "right": "竣工", "source": "K", "bad": "新建校舍年内峻工。", "ok": "新建校舍年内竣工。"},
    {"wrong": "精萃", "right": "精粹", "source": "K", "bad": "汇编课程精萃。", "ok": "汇编课程精粹。"},
    {"wrong": "调济", "right": "调剂", "source": "K", "bad": "做好师资余缺调济。", "ok": "做好师资余缺调剂。"},
    {"wrong": "坐阵", "right": "坐镇", "source": "K", "bad": "校长亲自坐阵指挥。", "ok": "校长亲自坐镇指挥。"},
    {"wrong": "一愁莫展", "right": "一筹莫展", "source": "K", "bad": "不能一愁莫展。", "ok": "不能一筹莫展。"},
    {
        "wrong": "迫不急待",
        "right": "迫不及待",
        "source": "K",
        "bad": "迫不急待地投入工作。",
        "ok": "迫不及待地投入工作。",
    },
    {"wrong": "按步就班", "right": "按部就班", "source": "K", "bad": "不能按步就班。", "ok": "不能按部就班。"},
    {"wrong": "默守成规", "right": "墨守成规", "source": "K", "bad": "不能默守成规。", "ok": "不能墨守成规。"},
    {"wrong": "融汇贯通", "right": "融会贯通", "source": "K", "bad": "做到融汇贯通。", "ok": "做到融会贯通。"},
    {"wrong": "既往不究", "right": "既往不咎", "source": "K", "bad": "不能既往不究。", "ok": "不能既往不咎。"},
    {
        "wrong": "出奇不意",
        "right": "出其不意",
        "source": "K",
        "bad": "出奇不意地开展暗访。",
        "ok": "出其不意地开展暗访。",
    },
    {"wrong": "一股作气", "right": "一鼓作气", "source": "K", "bad": "一股作气完成改造。", "ok": "一鼓作气完成改造。"},
    {"wrong": "以身作责", "right": "以身作则", "source": "K", "bad": "领导干部以身作责。", "ok": "领导干部以身作则。"},
    {"wrong": "不落巢臼", "right": "不落窠臼", "source": "K", "bad": "设计不落巢臼。", "ok": "设计不落窠臼。"},
    {"wrong": "滥芋充数", "right": "滥竽充数", "source": "K", "bad": "防止滥芋充数。", "ok": "防止滥竽充数。"},
    {"wrong": "竭泽而鱼", "right": "竭泽而渔", "source": "K", "bad": "不能竭泽而鱼。", "ok": "不能竭泽而渔。"},
]
