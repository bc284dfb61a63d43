"""Sample content the project writes itself, in Chinese.

Stories are about historical scientists who have died, and say only well-known facts
of their lives. Institutes are invented and marked 示例; links point to example.org.
Nothing here is a claim about a living person.
"""

SAMPLE_NOTE = "（示例内容，仅供演示。）"

PROGRAMMES = [
    {
        "slug": "gezhi-lundao",
        "title": "格致论道",
        "tagline": "格物致知，论道科学",
        "introduction": "以演讲的形式讲述科学家的故事和科学的前沿，让思想在讲台上相遇。",
        "brand_colour": "#b3262e",
        "home_order": 1,
    },
    {
        "slug": "kexue-yu-zhongguo",
        "title": "科学与中国",
        "tagline": "传播科学思想，弘扬科学精神",
        "introduction": "邀请科学家走进校园和社区，讲述科学与国家发展的故事。",
        "brand_colour": "#1d4e89",
        "home_order": 2,
    },
    {
        "slug": "kuanian-kexue-yanjiang",
        "title": "跨年科学演讲",
        "tagline": "在新年钟声里与科学同行",
        "introduction": "在一年之交回望科学史上的重要时刻，展望新的一年。",
        "brand_colour": "#6a3d9a",
        "home_order": 3,
    },
    {
        "slug": "kexue-dayuan",
        "title": "科学大院",
        "tagline": "有料有趣的科学故事",
        "introduction": "用轻松的笔调写严谨的科学，从古代科技到今天的实验室。",
        "brand_colour": "#2a7f62",
        "home_order": 4,
    },
    {
        "slug": "zhongguo-kepu-bolan",
        "title": "中国科普博览",
        "tagline": "走进科学的博物馆",
        "introduction": "把展览、科普基地和开放日搬到网上，随时随地参观科学。",
        "brand_colour": "#c77700",
        "home_order": 5,
    },
]

HOME_INTRODUCTION = "科学家的故事、学风传承专栏和科普资源，按品牌项目汇集。"

SUBJECTS = ["物理学", "天文学", "数学", "生命科学", "地球科学", "化学", "工程技术", "医学", "科学史"]

INSTITUTES = [
    {"name": "示例物理研究所", "kind": "research_institute", "region": "北京", "colour": "#1d4e89"},
    {"name": "示例师范大学", "kind": "university", "region": "上海", "colour": "#8c1d40"},
    {"name": "示例天文学会", "kind": "society", "region": "江苏", "colour": "#2b2d6e"},
    {"name": "示例市科学技术协会", "kind": "local_association", "region": "广东", "colour": "#2a7f62"},
    {"name": "示例生命科学研究院", "kind": "research_institute", "region": "湖北", "colour": "#6b8e23"},
]

# Each story: slug, programme slug, scientist, title, discipline, institution, summary,
# paragraphs, timeline [(year, event)], honours [(title, year)], optional quote, tags.
STORIES = [
    {
        "slug": "qian-xuesen", "programme": "gezhi-lundao", "name": "钱学森",
        "title": "钱学森：我的事业在中国", "discipline": "力学", "institution": "中国科学院力学研究所",
        "summary": "从加州理工学院到戈壁滩，钱学森为中国导弹和航天事业奠定了基础。",
        "paragraphs": [
            "钱学森 1911 年生于上海，1935 年赴美国留学，后在加州理工学院从事空气动力学和喷气推进研究。",
            "1955 年，钱学森冲破重重阻碍回到祖国。1956 年，他受命组建我国第一个火箭、导弹研究机构。",
            "他倡导系统工程方法，培养了大批航天人才，被誉为“中国航天之父”。",
        ],
        "timeline": [(1911, "生于上海"), (1935, "赴美国留学"), (1955, "回到祖国"), (1956, "组建火箭、导弹研究机构")],
        "honours": [("国家杰出贡献科学家", 1991), ("两弹一星功勋奖章", 1999)],
        "quote": ("我的事业在中国，我的成就在中国，我的归宿在中国。", "钱学森"),
        "tags": ["航天", "两弹一星", "力学"],
    },
    {
        "slug": "hua-luogeng", "programme": "kexue-yu-zhongguo", "name": "华罗庚",
        "title": "华罗庚：从杂货铺走出的数学家", "discipline": "数学", "institution": "中国科学院数学研究所",
        "summary": "只有初中学历的华罗庚靠自学成为数学大师，又把优选法和统筹法带到工厂和田间。",
        "paragraphs": [
            "华罗庚 1910 年生于江苏金坛，初中毕业后因家贫辍学，在父亲的杂货铺里自学数学。",
            "1936 年他前往英国剑桥大学访问，在解析数论方面取得重要成果。1950 年他回到祖国。",
            "此后他走遍全国，推广优选法和统筹法，让数学方法走进生产一线。",
        ],
        "timeline": [(1910, "生于江苏金坛"), (1936, "赴英国剑桥大学访问"), (1950, "回到祖国")],
        "honours": [],
        "quote": ("聪明在于勤奋，天才在于积累。", "华罗庚"),
        "tags": ["数学", "自学成才"],
    },
    {
        "slug": "deng-jiaxian", "programme": "gezhi-lundao", "name": "邓稼先",
        "title": "邓稼先：隐姓埋名二十八年", "discipline": "核物理", "institution": "第二机械工业部第九研究院",
        "summary": "邓稼先长期隐姓埋名，领导了我国核武器的理论设计工作。",
        "paragraphs": [
            "邓稼先 1924 年生于安徽怀宁，1950 年在美国普渡大学获得博士学位后不久即回国。",
            "1958 年起，他投身核武器研制，负责理论设计，从此隐姓埋名。",
            "1964 年我国第一颗原子弹爆炸成功，1967 年第一颗氢弹爆炸成功，他都是重要的组织者和参与者。",
        ],
        "timeline": [(1924, "生于安徽怀宁"), (1950, "获博士学位后回国"), (1958, "投身核武器研制"), (1964, "第一颗原子弹爆炸成功"), (1967, "第一颗氢弹爆炸成功"), (1986, "逝世")],
        "honours": [("两弹一星功勋奖章", 1999)],
        "tags": ["两弹一星", "核物理"],
    },
    {
        "slug": "zhu-kezhen", "programme": "kexue-yu-zhongguo", "name": "竺可桢",
        "title": "竺可桢：只问是非，不计利害", "discipline": "气象学", "institution": "浙江大学",
        "summary": "气象学家、地理学家和教育家竺可桢，把“求是”精神写进了一所大学的校训。",
        "paragraphs": [
            "竺可桢 1890 年生于浙江绍兴，是我国近代气象学和地理学的奠基人之一。",
            "1936 年至 1949 年，他担任浙江大学校长，倡导“求是”精神。",
            "他坚持数十年记录物候，晚年发表《中国近五千年来气候变迁的初步研究》。",
        ],
        "timeline": [(1890, "生于浙江绍兴"), (1936, "出任浙江大学校长"), (1972, "发表《中国近五千年来气候变迁的初步研究》"), (1974, "逝世")],
        "honours": [],
        "tags": ["气象", "物候", "求是"],
    },
    {
        "slug": "li-siguang", "programme": "kexue-dayuan", "name": "李四光",
        "title": "李四光：为大地把脉", "discipline": "地质学", "institution": "中国科学院",
        "summary": "李四光创立地质力学，研究中国第四纪冰川，为寻找矿产资源指明方向。",
        "paragraphs": [
            "李四光 1889 年生于湖北黄冈，早年留学日本和英国。",
            "他研究中国东部的第四纪冰川遗迹，并创立了地质力学。",
            "1950 年他回到祖国，领导全国的地质工作。",
        ],
        "timeline": [(1889, "生于湖北黄冈"), (1950, "回到祖国"), (1971, "逝世")],
        "honours": [],
        "tags": ["地质", "冰川"],
    },
    {
        "slug": "mao-yisheng", "programme": "zhongguo-kepu-bolan", "name": "茅以升",
        "title": "茅以升：钱塘江上架桥人", "discipline": "桥梁工程", "institution": "铁道部科学研究院",
        "summary": "茅以升主持修建钱塘江大桥，这是中国人自己设计建造的第一座现代化铁路公路两用桥。",
        "paragraphs": [
            "茅以升 1896 年生于江苏镇江，是我国现代桥梁工程的开拓者。",
            "他主持设计和修建的钱塘江大桥于 1937 年建成通车。",
            "他还热心科普，写下了许多介绍桥梁知识的文章。",
        ],
        "timeline": [(1896, "生于江苏镇江"), (1937, "钱塘江大桥建成通车"), (1989, "逝世")],
        "honours": [],
        "tags": ["桥梁", "工程"],
    },
    {
        "slug": "zhan-tianyou", "programme": "zhongguo-kepu-bolan", "name": "詹天佑",
        "title": "詹天佑：京张铁路的总工程师", "discipline": "铁路工程", "institution": "京张铁路局",
        "summary": "詹天佑主持修建京张铁路，在崇山峻岭间设计出“人”字形线路。",
        "paragraphs": [
            "詹天佑 1861 年生于广东，1872 年作为首批留美幼童赴美国学习。",
            "他主持修建了京张铁路，1909 年全线通车，是中国人自行设计和修建的第一条干线铁路。",
            "在八达岭一带，他采用“人”字形线路解决了陡坡难题。",
        ],
        "timeline": [(1861, "生于广东"), (1872, "作为留美幼童赴美"), (1909, "京张铁路全线通车"), (1919, "逝世")],
        "honours": [],
        "tags": ["铁路", "工程"],
    },
    {
        "slug": "qian-sanqiang", "programme": "kuanian-kexue-yanjiang", "name": "钱三强",
        "title": "钱三强：原子核里的发现", "discipline": "核物理", "institution": "中国科学院原子能研究所",
        "summary": "钱三强在法国参与发现铀核三分裂和四分裂，回国后为我国原子能事业打下基础。",
        "paragraphs": [
            "钱三强 1913 年生于浙江绍兴，1937 年赴法国居里实验室学习。",
            "1946 年，他与何泽慧等人发现了铀核的三分裂和四分裂现象。",
            "1948 年他回到祖国，组织和领导了我国原子能科学研究。",
        ],
        "timeline": [(1913, "生于浙江绍兴"), (1937, "赴法国学习"), (1946, "发现铀核三分裂、四分裂"), (1948, "回到祖国")],
        "honours": [("两弹一星功勋奖章", 1999)],
        "tags": ["两弹一星", "核物理"],
    },
    {
        "slug": "yuan-longping", "programme": "kexue-yu-zhongguo", "name": "袁隆平",
        "title": "袁隆平：禾下乘凉梦", "discipline": "农学", "institution": "湖南杂交水稻研究中心",
        "summary": "“杂交水稻之父”袁隆平一生致力于杂交水稻研究，让更多人吃饱饭。",
        "paragraphs": [
            "袁隆平 1930 年生于北京，长期在湖南从事水稻育种研究。",
            "1973 年，他和协作者实现了籼型杂交水稻三系配套。",
            "他一生都在田间，梦想着“禾下乘凉”和“杂交水稻覆盖全球”。",
        ],
        "timeline": [(1930, "生于北京"), (1973, "籼型杂交水稻三系配套"), (2021, "逝世")],
        "honours": [("国家最高科学技术奖", 2000), ("共和国勋章", 2019)],
        "tags": ["杂交水稻", "农业"],
    },
    {
        "slug": "nan-rendong", "programme": "gezhi-lundao", "name": "南仁东",
        "title": "南仁东：为中国天眼选址", "discipline": "天文学", "institution": "中国科学院国家天文台",
        "summary": "南仁东用二十多年时间推动建成 500 米口径球面射电望远镜，人们叫它“中国天眼”。",
        "paragraphs": [
            "南仁东 1945 年生于吉林辽源，是射电天文学家。",
            "他提出在贵州喀斯特洼地建设大型射电望远镜的设想，并走遍大山选址。",
            "2016 年，500 米口径球面射电望远镜落成启用。",
        ],
        "timeline": [(1945, "生于吉林辽源"), (2016, "500 米口径球面射电望远镜落成"), (2017, "逝世")],
        "honours": [("时代楷模", 2017), ("人民科学家", 2019)],
        "tags": ["天文", "中国天眼"],
    },
    {
        "slug": "huang-danian", "programme": "kexue-dayuan", "name": "黄大年",
        "title": "黄大年：振兴中华，乃我辈之责", "discipline": "地球物理", "institution": "吉林大学",
        "summary": "地球物理学家黄大年 2009 年回国，带领团队攻关深部探测技术。",
        "paragraphs": [
            "黄大年 1958 年生于广西南宁，长期从事航空地球物理研究。",
            "2009 年，他放弃国外的优厚条件回国，任教于吉林大学。",
            "他带领团队攻关深部探测关键技术与装备，2017 年因病逝世。",
        ],
        "timeline": [(1958, "生于广西南宁"), (2009, "回国任教于吉林大学"), (2017, "逝世")],
        "honours": [("时代楷模", 2017)],
        "tags": ["地球物理", "深部探测"],
    },
    {
        "slug": "lin-qiaozhi", "programme": "kexue-yu-zhongguo", "name": "林巧稚",
        "title": "林巧稚：万婴之母", "discipline": "妇产科学", "institution": "北京协和医院",
        "summary": "林巧稚一生亲手接生了五万多名婴儿，是我国妇产科学的奠基人之一。",
        "paragraphs": [
            "林巧稚 1901 年生于福建厦门，1929 年毕业于北京协和医学院。",
            "她长期在北京协和医院工作，在妇产科临床和研究方面做出了开创性贡献。",
            "她终身未婚，却被人们称为“万婴之母”。",
        ],
        "timeline": [(1901, "生于福建厦门"), (1929, "毕业于北京协和医学院"), (1983, "逝世")],
        "honours": [],
        "tags": ["医学", "妇产科"],
    },
    {
        "slug": "wu-wenjun", "programme": "kuanian-kexue-yanjiang", "name": "吴文俊",
        "title": "吴文俊：让计算机证明定理", "discipline": "数学", "institution": "中国科学院数学与系统科学研究院",
        "summary": "吴文俊在拓扑学上成就卓著，又开创了几何定理机器证明的“吴方法”。",
        "paragraphs": [
            "吴文俊 1919 年生于上海，早年在拓扑学研究中取得重要成果。",
            "20 世纪 70 年代后期，他从中国古代数学中得到启发，开创了数学机械化研究。",
            "他提出的几何定理机器证明方法被称为“吴方法”。",
        ],
        "timeline": [(1919, "生于上海"), (2017, "逝世")],
        "honours": [("国家最高科学技术奖", 2000)],
        "tags": ["数学", "机器证明"],
    },
    {
        "slug": "wang-ganchang", "programme": "kuanian-kexue-yanjiang", "name": "王淦昌",
        "title": "王淦昌：我愿以身许国", "discipline": "核物理", "institution": "第二机械工业部第九研究院",
        "summary": "王淦昌发现反西格玛负超子，后化名投身核武器研制。",
        "paragraphs": [
            "王淦昌 1907 年生于江苏常熟，是实验物理学家。",
            "1959 年，他领导的小组在苏联杜布纳联合原子核研究所发现了反西格玛负超子。",
            "回国后，他化名“王京”，投身我国核武器研制工作。",
        ],
        "timeline": [(1907, "生于江苏常熟"), (1959, "发现反西格玛负超子"), (1998, "逝世")],
        "honours": [("两弹一星功勋奖章", 1999)],
        "tags": ["两弹一星", "核物理"],
    },
    {
        "slug": "zhao-jiuzhang", "programme": "kuanian-kexue-yanjiang", "name": "赵九章",
        "title": "赵九章：人造卫星的倡导者", "discipline": "空间物理", "institution": "中国科学院地球物理研究所",
        "summary": "赵九章是我国动力气象学和空间物理的开拓者，最早倡导发展人造卫星。",
        "paragraphs": [
            "赵九章 1907 年生于河南开封，是气象学家和空间物理学家。",
            "他把数学和物理方法引入气象学，开创了我国的动力气象学。",
            "他积极倡导并参与规划我国人造卫星事业。",
        ],
        "timeline": [(1907, "生于河南开封"), (1968, "逝世")],
        "honours": [("两弹一星功勋奖章", 1999)],
        "tags": ["两弹一星", "卫星", "气象"],
    },
    {
        "slug": "guo-yonghuai", "programme": "gezhi-lundao", "name": "郭永怀",
        "title": "郭永怀：生死关头护住绝密文件", "discipline": "力学", "institution": "中国科学院力学研究所",
        "summary": "力学家郭永怀在飞机失事中牺牲，人们发现他和警卫员用身体护住了装有绝密资料的公文包。",
        "paragraphs": [
            "郭永怀 1909 年生于山东荣成，是空气动力学家。",
            "1956 年他回到祖国，参与领导了核武器和导弹的力学研究。",
            "1968 年，他在一次飞机失事中牺牲。",
        ],
        "timeline": [(1909, "生于山东荣成"), (1956, "回到祖国"), (1968, "牺牲")],
        "honours": [("两弹一星功勋奖章", 1999)],
        "tags": ["两弹一星", "力学"],
    },
    {
        "slug": "yu-min", "programme": "kexue-dayuan", "name": "于敏",
        "title": "于敏：无名英雄", "discipline": "核物理", "institution": "中国工程物理研究院",
        "summary": "于敏在氢弹原理突破中做出关键贡献，长期隐姓埋名。",
        "paragraphs": [
            "于敏 1926 年生于天津，是核物理学家。",
            "他在氢弹原理研究中提出了从原理到构形的基本完整的设想，起了关键作用。",
            "他长期从事国防科研，隐姓埋名数十年。",
        ],
        "timeline": [(1926, "生于天津"), (1967, "第一颗氢弹爆炸成功"), (2019, "逝世")],
        "honours": [("国家最高科学技术奖", 2014), ("共和国勋章", 2019)],
        "tags": ["两弹一星", "核物理"],
    },
    {
        "slug": "cheng-kaijia", "programme": "kexue-dayuan", "name": "程开甲",
        "title": "程开甲：在戈壁滩上做试验", "discipline": "物理学", "institution": "中国人民解放军核试验基地",
        "summary": "程开甲是我国核试验事业的创建者之一，在戈壁滩上工作了二十多年。",
        "paragraphs": [
            "程开甲 1918 年生于江苏吴江，是物理学家。",
            "他参与创建了我国核试验基地，主持了多种方式的核试验。",
            "他在戈壁滩上工作二十多年，为核武器研制提供了可靠的试验数据。",
        ],
        "timeline": [(1918, "生于江苏吴江"), (2018, "逝世")],
        "honours": [("两弹一星功勋奖章", 1999), ("国家最高科学技术奖", 2013)],
        "tags": ["两弹一星", "物理学"],
    },
    {
        "slug": "chen-jingrun", "programme": "kuanian-kexue-yanjiang", "name": "陈景润",
        "title": "陈景润：离哥德巴赫猜想最近的人", "discipline": "数学", "institution": "中国科学院数学研究所",
        "summary": "陈景润证明了“1+2”，这一成果被称为陈氏定理。",
        "paragraphs": [
            "陈景润 1933 年生于福建福州，是数论学家。",
            "1973 年，他发表了关于“1+2”的详细证明，被国际数学界称为“陈氏定理”。",
            "他的故事通过报告文学《哥德巴赫猜想》为全国读者所知。",
        ],
        "timeline": [(1933, "生于福建福州"), (1973, "发表“1+2”的详细证明"), (1996, "逝世")],
        "honours": [],
        "tags": ["数学", "数论"],
    },
    {
        "slug": "su-buqing", "programme": "kexue-yu-zhongguo", "name": "苏步青",
        "title": "苏步青：东方第一几何学家", "discipline": "数学", "institution": "复旦大学",
        "summary": "苏步青是我国微分几何学派的创始人之一，长期在复旦大学执教。",
        "paragraphs": [
            "苏步青 1902 年生于浙江平阳，早年留学日本。",
            "他在微分几何方面成就卓著，培养了大批数学人才。",
            "他曾任复旦大学校长，一生重视数学教育。",
        ],
        "timeline": [(1902, "生于浙江平阳"), (2003, "逝世")],
        "honours": [],
        "tags": ["数学", "几何"],
    },
    {
        "slug": "zhang-heng", "programme": "zhongguo-kepu-bolan", "name": "张衡",
        "title": "张衡：仰观天象的东汉科学家", "discipline": "天文学", "institution": "东汉太史令",
        "summary": "东汉科学家张衡制作浑天仪，创制候风地动仪。",
        "paragraphs": [
            "张衡生于公元 78 年，是东汉时期的天文学家、文学家。",
            "他曾任太史令，制作了演示天象的浑天仪。",
            "公元 132 年，他创制了候风地动仪。",
        ],
        "timeline": [(78, "出生"), (132, "创制候风地动仪"), (139, "逝世")],
        "honours": [],
        "tags": ["古代科技", "天文"],
    },
    {
        "slug": "zu-chongzhi", "programme": "zhongguo-kepu-bolan", "name": "祖冲之",
        "title": "祖冲之：把圆周率算到小数点后七位", "discipline": "数学", "institution": "南朝",
        "summary": "南北朝时期的祖冲之算得圆周率在 3.1415926 和 3.1415927 之间。",
        "paragraphs": [
            "祖冲之生于公元 429 年，是南北朝时期的数学家和天文学家。",
            "他算出圆周率在 3.1415926 和 3.1415927 之间，这一精度保持了近千年的世界纪录。",
            "他还编制了《大明历》。",
        ],
        "timeline": [(429, "出生"), (500, "逝世")],
        "honours": [],
        "tags": ["古代科技", "数学", "圆周率"],
    },
    {
        "slug": "li-shizhen", "programme": "kexue-dayuan", "name": "李时珍",
        "title": "李时珍：走遍山野写本草", "discipline": "医药学", "institution": "明代",
        "summary": "明代医药学家李时珍历时近三十年写成《本草纲目》。",
        "paragraphs": [
            "李时珍生于 1518 年，是明代医药学家。",
            "他走访各地，采集药物标本，参考大量典籍，历时近三十年写成《本草纲目》。",
            "《本草纲目》于 1578 年完稿，收录药物一千八百多种。",
        ],
        "timeline": [(1518, "出生"), (1578, "《本草纲目》完稿"), (1593, "逝世")],
        "honours": [],
        "tags": ["古代科技", "医药"],
    },
    {
        "slug": "shen-kuo", "programme": "gezhi-lundao", "name": "沈括",
        "title": "沈括：《梦溪笔谈》里的科学", "discipline": "科学史", "institution": "北宋",
        "summary": "北宋沈括在《梦溪笔谈》中记下了指南针、活字印刷等许多科技成就。",
        "paragraphs": [
            "沈括生于 1031 年，是北宋的科学家和政治家。",
            "他晚年居于润州梦溪园，写成笔记体著作《梦溪笔谈》。",
            "书中记载了毕昇发明的活字印刷术和指南针的用法等内容。",
        ],
        "timeline": [(1031, "出生"), (1095, "逝世")],
        "honours": [],
        "tags": ["古代科技", "科学史"],
    },
    {
        "slug": "song-yingxing", "programme": "zhongguo-kepu-bolan", "name": "宋应星",
        "title": "宋应星：《天工开物》的作者", "discipline": "科学史", "institution": "明代",
        "summary": "明代宋应星所著《天工开物》系统记录了农业和手工业的生产技术。",
        "paragraphs": [
            "宋应星生于 1587 年，是明代科学家。",
            "1637 年，他的著作《天工开物》刊行。",
            "这部书图文并茂地记录了农业和手工业的生产技术，被誉为“中国十七世纪的工艺百科全书”。",
        ],
        "timeline": [(1587, "出生"), (1637, "《天工开物》刊行")],
        "honours": [],
        "tags": ["古代科技", "科学史"],
    },
]

COLUMNS = [
    {
        "slug": "mingshi-xuefeng", "programme": "kexue-yu-zhongguo", "title": "名师学风传承",
        "introduction": "讲述老一辈科学家治学、育人的故事，传承严谨求实的学风。",
        "cadence": "monthly", "editor": "editor",
        "articles": [
            {
                "slug": "qiushi", "issue": 1, "date": "2026-01-15", "title": "只问是非，不计利害",
                "summary": "竺可桢的“求是”精神为什么今天仍然重要。",
                "paragraphs": ["竺可桢担任浙江大学校长期间倡导“求是”精神。", "求是，就是尊重事实、追求真理。"],
                "featured": ["zhu-kezhen"], "tags": ["求是", "学风"],
            },
            {
                "slug": "zixue", "issue": 2, "date": "2026-02-15", "title": "从自学到大师",
                "summary": "华罗庚的治学之路告诉我们：勤奋和积累比天赋更重要。",
                "paragraphs": ["华罗庚初中毕业后辍学，在杂货铺里自学数学。", "他后来常对青年人说，天才在于积累。"],
                "featured": ["hua-luogeng"], "tags": ["自学成才", "学风"],
            },
            {
                "slug": "yixing-maiming", "issue": 3, "date": "2026-03-15", "title": "隐姓埋名的人",
                "summary": "邓稼先、于敏等科学家为国家需要隐姓埋名数十年。",
                "paragraphs": ["为了国防科研，许多科学家多年不能公开自己的工作。", "他们的名字，直到多年以后才为人所知。"],
                "featured": ["deng-jiaxian", "yu-min"], "tags": ["两弹一星", "学风"],
            },
            {
                "slug": "tianjian", "issue": 4, "date": "2026-04-15", "title": "把论文写在大地上",
                "summary": "袁隆平一生都在田间，他的实验室就是稻田。",
                "paragraphs": ["袁隆平的研究离不开稻田。", "他鼓励学生下田，在实践中发现问题。"],
                "featured": ["yuan-longping"], "tags": ["杂交水稻", "学风"],
            },
        ],
    },
    {
        "slug": "kexuejia-jingshen", "programme": "gezhi-lundao", "title": "科学家精神讲堂",
        "introduction": "每期讲述一位科学家的一段经历，体会爱国、创新、求实、奉献、协同、育人的科学家精神。",
        "cadence": "biweekly", "editor": "editor",
        "articles": [
            {
                "slug": "yangwang-xingkong", "issue": 1, "date": "2026-01-08", "title": "仰望星空的人",
                "summary": "南仁东和中国天眼的故事。",
                "paragraphs": ["为了给大型射电望远镜选址，南仁东走遍了贵州的大山。", "2016 年，中国天眼落成启用。"],
                "featured": ["nan-rendong"], "tags": ["中国天眼", "科学家精神"],
            },
            {
                "slug": "yuanzihe", "issue": 2, "date": "2026-01-22", "title": "走进原子核",
                "summary": "钱三强和同事们在原子核里的发现。",
                "paragraphs": ["1946 年，钱三强与何泽慧等人发现了铀核三分裂和四分裂。", "回国后，他组织了我国的原子能研究。"],
                "featured": ["qian-sanqiang"], "tags": ["核物理", "科学家精神"],
            },
            {
                "slug": "gudai-keji", "issue": 3, "date": "2026-02-05", "title": "从《梦溪笔谈》到《天工开物》",
                "summary": "两部古代著作里的科学观察。",
                "paragraphs": ["沈括在《梦溪笔谈》中记录了大量科技见闻。", "宋应星的《天工开物》则系统记录了生产技术。"],
                "featured": ["shen-kuo", "song-yingxing"], "tags": ["古代科技", "科学家精神"],
            },
        ],
    },
]

# Resources: slug, programme, title, kind, audiences (slugs), subjects, institute, licence,
# summary, length, and either a link (example.org) or a generated document.
RESOURCES = [
    ("hongwai-tianwen", "gezhi-lundao", "红外天文学入门", "video", ["public", "youth"], ["天文学"], "示例天文学会", "cc-by-4.0", "二十分钟看懂红外望远镜如何看见宇宙中的尘埃。", "20 分钟"),
    ("chaodao-shiyan", "gezhi-lundao", "超导实验演示", "video", ["youth"], ["物理学"], "示例物理研究所", "cc-by-nc-4.0", "在实验室里观察超导体的磁悬浮现象。", "12 分钟"),
    ("liangzi-jiangzuo", "gezhi-lundao", "量子世界漫谈", "lecture", ["public"], ["物理学"], "示例物理研究所", "cc-by-sa-4.0", "从双缝实验讲起，介绍量子力学的基本概念。", "90 分钟"),
    ("xingkong-yinpin", "gezhi-lundao", "星空之声", "audio", ["public", "teachers"], ["天文学"], "示例天文学会", "cc-by-4.0", "每期十五分钟，讲一个星座的故事。", "15 分钟"),
    ("shuxue-kejian", "kexue-yu-zhongguo", "圆周率的故事（课件）", "courseware", ["teachers", "youth"], ["数学", "科学史"], "示例师范大学", "cc-by-sa-4.0", "面向初中数学课的圆周率专题课件。", "2 课时"),
    ("dizhi-yexiao", "kexue-yu-zhongguo", "地质野外考察指南", "book", ["teachers", "researchers"], ["地球科学"], "示例师范大学", "all-rights-reserved", "带学生做野外地质考察的实用手册。", "240 页"),
    ("zajiao-shuidao", "kexue-yu-zhongguo", "一粒种子的旅程", "article", ["public", "youth"], ["生命科学"], "示例生命科学研究院", "cc-by-4.0", "从育种到餐桌，讲述水稻品种是怎样培育出来的。", "约 5000 字"),
    ("xibao-zhanlan", "kexue-yu-zhongguo", "细胞的奥秘展览", "exhibition", ["youth", "public"], ["生命科学"], "示例生命科学研究院", "all-rights-reserved", "用显微图像和模型展示细胞的结构与分裂。", "展期三个月"),
    ("kaifangri-wuli", "kuanian-kexue-yanjiang", "物理研究所公众开放日", "open_day", ["public", "youth"], ["物理学"], "示例物理研究所", "all-rights-reserved", "每年一次走进实验室，和科研人员面对面。", "一天"),
    ("kuanian-huigu", "kuanian-kexue-yanjiang", "一年科学回顾", "video", ["public"], ["科学史"], "示例市科学技术协会", "cc-by-nc-4.0", "回顾一年来的重要科学进展。", "60 分钟"),
    ("tianwen-guance", "kuanian-kexue-yanjiang", "跨年观星指南", "article", ["public"], ["天文学"], "示例天文学会", "cc-by-4.0", "新年前后适合观测的天象和观测方法。", "约 3000 字"),
    ("jidi-tianwentai", "kuanian-kexue-yanjiang", "城市天文台科普基地", "science_base", ["youth", "teachers"], ["天文学"], "示例天文学会", "all-rights-reserved", "可预约的天文台科普基地，提供望远镜观测活动。", "常年开放"),
    ("huaxue-shiyan", "kexue-dayuan", "厨房里的化学实验", "video", ["youth"], ["化学"], "示例市科学技术协会", "cc-by-4.0", "用厨房里的材料安全地做化学小实验。", "8 分钟"),
    ("shengwu-kejian", "kexue-dayuan", "遗传与变异（课件）", "courseware", ["teachers"], ["生命科学"], "示例生命科学研究院", "cc-by-nc-sa-4.0", "高中生物遗传与变异单元的教学课件。", "3 课时"),
    ("dizhen-zhishi", "kexue-dayuan", "地震来了怎么办", "article", ["public", "youth"], ["地球科学"], "示例市科学技术协会", "cc0-1.0", "地震发生时的避险要点和震后自救知识。", "约 2000 字"),
    ("gudai-jixie", "kexue-dayuan", "古代机械复原", "exhibition", ["public"], ["科学史", "工程技术"], "示例师范大学", "all-rights-reserved", "复原指南车、记里鼓车等古代机械模型。", "长期展出"),
    ("qiaoliang-shu", "zhongguo-kepu-bolan", "桥的故事", "book", ["youth", "public"], ["工程技术", "科学史"], "示例师范大学", "all-rights-reserved", "从赵州桥到跨海大桥，讲述桥梁技术的发展。", "180 页"),
    ("bowuguan-yinpin", "zhongguo-kepu-bolan", "博物馆里的声音导览", "audio", ["public"], ["科学史"], "示例市科学技术协会", "cc-by-4.0", "为线上展厅配的语音导览。", "40 分钟"),
    ("shengming-jidi", "zhongguo-kepu-bolan", "生命科学科普基地", "science_base", ["youth", "teachers"], ["生命科学"], "示例生命科学研究院", "all-rights-reserved", "可预约参观的生命科学实验室和标本馆。", "工作日开放"),
    ("jiangzuo-yixue", "zhongguo-kepu-bolan", "常见病的科学防治", "lecture", ["public"], ["医学"], "示例生命科学研究院", "cc-by-nc-4.0", "医生讲解常见慢性病的预防与科学就医。", "60 分钟"),
    ("wuli-kejian", "zhongguo-kepu-bolan", "牛顿运动定律（课件）", "courseware", ["teachers", "youth"], ["物理学"], "示例物理研究所", "cc-by-4.0", "初中物理牛顿运动定律单元的演示课件。", "2 课时"),
    ("kaifangri-tianwen", "zhongguo-kepu-bolan", "天文学会观测开放夜", "open_day", ["public", "youth"], ["天文学"], "示例天文学会", "all-rights-reserved", "晴朗的夜晚，和天文爱好者一起用望远镜看月亮和行星。", "一晚"),
]

# Every institute has a 机构投稿区 under this programme; the contributor's holds a draft.
CONTRIBUTION_PROGRAMME = "zhongguo-kepu-bolan"
INSTITUTE_SLUGS = {
    "示例物理研究所": "wuli", "示例师范大学": "shifan", "示例天文学会": "tianwen",
    "示例市科学技术协会": "kexie", "示例生命科学研究院": "shengming",
}
CONTRIBUTED_DRAFT = {
    "institute": "示例物理研究所", "slug": "jiguang-kepu", "title": "激光的故事（投稿草稿）", "kind": "article",
    "licence": "cc-by-4.0", "summary": "从爱因斯坦的受激辐射理论讲到今天的激光应用。", "audiences": ["public"],
    "url": "https://example.org/kepu/jiguang",
}
# A contribution that passed 机构投稿审核: it is live, on its institute's page and in the library.
CONTRIBUTED_APPROVED = {
    "institute": "示例物理研究所", "slug": "chaoliu-kepu", "title": "液氦里的超流现象（机构投稿）", "kind": "article",
    "licence": "cc-by-4.0", "summary": "低温下的液氦会爬上杯壁：量子力学在宏观世界里的样子。", "audiences": ["public", "youth"],
    "url": "https://example.org/kepu/chaoliu",
}

ROLE_USERS = [
    # username, password, group, display name, institute
    ("admin", "kepu-admin", None, "系统管理员", None),
    ("editor", "kepu-editor", "编辑", "示例编辑", None),
    ("reviewer", "kepu-reviewer", "审核", "示例审核", None),
    ("chief", "kepu-chief", "主编", "示例主编", None),
    ("contributor", "kepu-contributor", "机构投稿人", "示例投稿人", "示例物理研究所"),
]
