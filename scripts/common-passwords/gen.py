# Generated obvious-weak patterns, length 12..20, lowercase printable ASCII.
import itertools
out = set()
def add(s):
    s = s.lower()
    if 12 <= len(s) <= 20 and all(0x20 < ord(c) < 0x7f for c in s):
        out.add(s)
def prefixes(seq):
    for n in range(12, 21):
        if n <= len(seq):
            add(seq[:n])
def repeat_to(unit):
    for n in range(12, 21):
        add((unit * (n // len(unit) + 1))[:n])

# 1. digit runs and sequences
prefixes("1234567890" * 2)                # 123456789012...
prefixes("0123456789" * 2)
prefixes("9876543210" * 2)
prefixes("0987654321" * 2)
prefixes("12345678910111213141")          # 1..n written out
for u in ["123", "1234", "12345", "123456", "1234567", "12345678", "123456789",
          "321", "4321", "54321", "654321", "987654321",
          "123321", "1234554321", "12344321", "123454321", "112233", "11223344",
          "147258369", "147852369", "159357", "159753", "741852963", "963852741",
          "123123", "789456123", "147258", "520", "5201314", "1314", "1314520",
          "7758521", "521", "1314521", "5211314", "584520", "168", "518", "666", "888",
          "000111", "111222", "110", "119", "120", "911", "2580", "0000", "6666", "8888", "9999"]:
    repeat_to(u)
for a, b in itertools.product(["123456", "1234567", "12345678", "123456789", "1234567890"], repeat=2):
    add(a + b)
for a in ["123456", "123456789", "1234567890"]:
    add(a + a[::-1]); add(a[::-1] + a)
# 2. single characters and pairs repeated
for c in "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*.-_+=?":
    repeat_to(c)
for p in ["ab", "abc", "abcd", "qw", "qwe", "qwer", "as", "asd", "asdf", "zx", "zxc", "zxcv",
          "aa1", "a1", "a1b2", "1a", "1q", "q1", "12", "21", "01", "10", "13", "14", "52", "58",
          "qq", "qaz", "wsx", "xx", "ha", "hehe", "haha", "love", "mima", "pass", "test", "admin", "root",
          "woaini", "aini", "baobei", "laopo", "nihao"]:
    repeat_to(p)
# 3. alphabet runs
prefixes("abcdefghijklmnopqrstuvwxyz")
prefixes("zyxwvutsrqponmlkjihgfedcba")
prefixes("a1b2c3d4e5f6g7h8i9j0k1")
prefixes("1a2b3c4d5e6f7g8h9i0j")
prefixes("aabbccddeeffgghhiijj")
prefixes("abc123abc123abc123abc123")
# 4. keyboard walks
rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
cols = "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/"
for s in [cols, "qazwsxedcrfvtgbyhnujmikolp", "zaq1xsw2cde3vfr4bgt5nhy6mju7", "zaqxswcdevfrbgtnhymju",
          "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "1qa2ws3ed4rf5tg6yh7uj",
          "qweasdzxcrtyfghvbnuiojklm", "qwertyuiopasdfghjklzxcvbnm", "mnbvcxzlkjhgfdsapoiuytrewq",
          "poiuytrewqlkjhgfdsamnbvcxz", "qwertyasdfghzxcvbn", "qwertasdfgzxcvb", "qweasdzxcqweasdzxc",
          "1qaz2wsx1qaz2wsx", "!qaz@wsx#edc$rfv%tgb", "!qaz2wsx#edc4rfv", "1qaz@wsx3edc$rfv",
          "1qaz!qaz2wsx@wsx", "qwertyuiop[]asdfghjkl;'", "asdfghjkl;'zxcvbnm,./", "`1234567890-=",
          "!@#$%^&*()_+!@#$%^&*", "1!2@3#4$5%6^7&8*9(0)", "!1@2#3$4%5^6&7*8(9)0",
          "qwer1234asdf5678", "1234qwerasdfzxcv", "qwerasdfzxcv1234", "asdfqwerzxcv",
          "qazxswedcvfrtgbnhyujm", "1234qwer1234qwer", "qwer!@#$qwer1234"]:
    prefixes(s)
walks = ["qwerty", "qwertyu", "qwertyui", "qwertyuiop", "asdfgh", "asdfghjk", "asdfghjkl", "zxcvbn", "zxcvbnm",
         "qazwsx", "qazwsxedc", "qazwsxedcrfv", "1qaz2wsx", "1qaz2wsx3edc", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y",
         "q1w2e3r4", "q1w2e3r4t5", "zaq12wsx", "zaq1xsw2", "1qazxsw2", "qweasdzxc", "qweasd", "asdzxc", "qwe", "asd", "zxc",
         "qwer", "asdf", "zxcv", "qaz", "wsx", "poiuytrewq", "mnbvcxz", "lkjhgfdsa", "!qaz2wsx", "1qaz@wsx", "!qaz@wsx"]
suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890",
            "!", "!!", "!@#", "!@#$", "@123", "#123", "123!", "123.", ".", "..", "000", "111", "666", "888", "520", "1314", "5201314"]
for w in walks:
    for s in suffixes:
        add(w + s); add(s + w)
    add(w + w); add(w + w + w)
for a, b in itertools.permutations(["qwerty", "asdfgh", "zxcvbn", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qazwsx", "1qaz2wsx", "123456", "qweasdzxc"], 2):
    add(a + b)
# 5. words / pinyin + digit and symbol suffixes (typical "meets the rules" choices)
words = ["password", "passw0rd", "p@ssword", "p@ssw0rd", "pa55word", "pa$$word", "pass", "mima", "wodemima",
         "admin", "administrator", "root", "system", "sysadmin", "superadmin", "manager", "user", "guest", "test",
         "welcome", "letmein", "changeme", "default", "secret", "iloveyou", "qwerty", "abc", "abcd", "abcde", "abcdef",
         "a", "aa", "aaa", "qq", "zz", "xx", "ab", "asd", "zxc", "qwe", "woaini", "woaiwojia", "woainima", "woaimama",
         "woaibaba", "woailaopo", "woailaogong", "woaiziji", "woaizhongguo", "aini", "nihao", "baobei", "laopo", "laogong",
         "zhongguo", "china", "beijing", "shanghai", "guangzhou", "shenzhen", "zhengfu", "gongkai", "zhengwu", "bangong",
         "bangongshi", "danwei", "caiwu", "renshi", "huawei", "xiaomi", "tencent", "baidu", "weixin", "wechat", "taobao",
         "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "zhou", "wu", "xu", "sun", "hu", "zhu", "gao",
         "lin", "he", "guo", "ma", "luo", "zhangwei", "wangwei", "wangfang", "lina", "liuyang", "zhangmin", "lijing",
         "wangjing", "zhangli", "zhangjing", "liqiang", "wangqiang", "xiaoming", "tiantian", "yangyang", "jingjing",
         "wangyang", "zhangyang", "liuwei", "chenjie", "hello", "welcome1", "love", "sunshine", "dragon", "monkey",
         "football", "baseball", "princess", "superman", "batman", "michael", "jordan", "master", "shadow", "computer",
         "internet", "windows", "server", "database", "oracle", "mysql", "office", "company", "gov", "government"]
sfx = ["123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "654321",
       "000", "000000", "111", "111111", "666", "666666", "888", "888888", "520", "1314", "5201314",
       "@123", "@123456", "#123", "!@#", "!@#$", "123!", "123!@#", "123.", "!"]
year_words = {"password", "passw0rd", "p@ssword", "p@ssw0rd", "admin", "administrator", "root", "welcome", "qwerty",
              "iloveyou", "woaini", "woaiwojia", "zhongguo", "china", "beijing", "gongkai", "zhengfu", "zhengwu", "abc", "abcd",
              "changeme", "system", "test", "user", "manager", "huawei"}
for w in words:
    for s in sfx:
        add(w + s)
        if s in ("123", "123456", "123456789", "1234567890", "520", "1314", "5201314", "666", "888", "000"):
            add(s + w)
    if w in year_words:
        for y in range(1980, 2031):
            for tpl in ["{w}{y}", "{w}@{y}", "{w}{y}!", "{w}@{y}!"]:
                add(tpl.format(w=w, y=y))
    add(w + w); add(w + w + "123"); add(w + w + "1234"); add(w + w + w)
# 6. Chinese love-number / pinyin phrases and combinations
cn = ["woaini", "woainiya", "woainima", "woaiwojia", "woaini1314", "woaini520", "woaini521", "woaini5201314",
      "woainiyibeizi", "woainiyiwannian", "woaiwolaopo", "woaiwolaogong", "wohenaini", "woxiangni", "wozhiaini",
      "wodezuiai", "woshishui", "woshinibaba", "wojiushiwo", "wobuzhidao", "buzhidao", "meiyoumima", "zhimakaimen",
      "aiyiwannian", "ainiyiwannian", "ainiyibeizi", "yongyuanaini", "yibeizi", "yishengyishi", "shengrikuaile",
      "xinniankuaile", "gongxifacai", "zhongguoren", "woshizhongguoren", "zhonghuarenmingongheguo", "woaibeijing",
      "woaitiananmen", "woaizuguo", "zuguo", "aiguo", "5201314", "1314520", "7758521", "520520", "1314", "520", "521",
      "woaini1314520", "5201314woaini", "1314520woaini", "131452", "5211314", "3344520", "584520", "530", "1314521",
      "5201314520", "52013145201314", "13145201314520"]
love_numbers = ["520", "521", "1314", "5201314", "1314520", "7758521", "131452", "5211314", "520520", "584520", "3344520"]
for a in cn:
    add(a)
    for b in love_numbers:
        add(a + b); add(b + a)
    for s in ["1", "12", "123", "1234", "12345", "123456", "666", "888", "000", "!", ".", "@123", "qq", "a", "aa", "abc"]:
        add(a + s); add(s + a)
# 7. letter prefixes + digit runs (abc123456789, aa1234567890, ...)
for p in ["a", "aa", "aaa", "ab", "abc", "abcd", "abcde", "abcdef", "q", "qq", "qqq", "qw", "qwe", "qwer", "qwert", "qwerty",
          "as", "asd", "asdf", "asdfgh", "z", "zx", "zxc", "zxcv", "zxcvbn", "w", "ww", "www", "wo", "x", "xx", "s", "l", "li",
          "wang", "zhang", "liu", "chen", "qaz", "wsx", "1qaz", "a1", "aa1", "admin", "root", "test", "pass", "mima", "woaini"]:
    for d in ["123456", "1234567", "12345678", "123456789", "1234567890", "12345678910", "987654321", "9876543210",
              "123123123", "123456123456", "111111", "11111111", "111111111", "000000", "00000000", "888888", "88888888",
              "666666", "66666666", "5201314", "1314520", "7758521", "147258369", "123321", "112233", "12341234", "123456789a"]:
        add(p + d); add(d + p)
print("\n".join(sorted(out)))
