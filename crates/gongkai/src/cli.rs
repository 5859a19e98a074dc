//! The command line: global options and one variant per subcommand.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// A date on the command line: YYYY-MM-DD, in the years a programme can have.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| gongkai_domain::calendar::in_range(*d))
        .ok_or_else(|| "日期应写作 YYYY-MM-DD，且在 2000 至 2100 年之间".to_string())
}

/// A year on the command line: 2000 to 2100.
pub fn year(text: &str) -> Result<i32, String> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| gongkai_domain::calendar::YEARS.contains(y))
        .ok_or_else(|| "年份应在 2000 到 2100 之间".to_string())
}

#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about = "政务公开工作任务清单平台：导入清单、生成台账、报送、审核、督办")]
pub struct Cli {
    /// 设置文件（默认：当前目录下的 gongkai.toml，若有）；`gongkai config example` 列出所有设置项
    #[arg(long, global = true, env = "GONGKAI_CONFIG")]
    pub config: Option<PathBuf>,

    /// 数据库地址：sqlite://文件路径（默认 sqlite://gongkai-data/gongkai.db，内嵌）或 postgres://用户@主机/库名
    /// （设置项 database.url，环境变量 GONGKAI__DATABASE__URL）
    #[arg(long, global = true)]
    pub db: Option<String>,

    /// 服务器密钥文件（签名审计日志与备份；默认在 SQLite 数据库文件旁，PostgreSQL 时为 gongkai-data/secret.key；
    /// 设置项 secret.key_file）。也可用环境变量 GONGKAI__SECRET__KEY 直接给出密钥（64 位十六进制）
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动网站与接口（首次启动时建库、载入示例清单并创建管理员账号）
    Serve(ServeArgs),
    /// 解析“完成时间及方式”文字，输出 JSON（里程碑与日期）
    Deadline(DeadlineArgs),
    /// 解析标准目录的“公开时限”文字，输出 JSON（起算事件、期限、公示期、更新周期）
    Timelimit(TimelimitArgs),
    /// 导入任务清单（.docx / .xlsx / .txt）并生成台账
    Import(ImportArgs),
    /// 标准目录：导入单位的目录文件、列出、导出（工作簿或文件汇编）
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// 网上巡查：读取栏目页面，按标准目录检查各单位网站栏目（缺失、未更新、不及时、链接失效、未在栏目发布）
    #[command(subcommand)]
    Inspect(InspectCommand),
    /// 依申请公开：按条例计算收到申请之日、答复期限和延长后的期限
    #[command(subcommand)]
    Foi(FoiCommand),
    /// 列出任务
    Tasks(TasksArgs),
    /// 列出台账中的任务事项（单位 × 里程碑 × 日期）
    Obligations(ObligationsArgs),
    /// 单位目录
    #[command(subcommand)]
    Units(UnitsCommand),
    /// 工作日历（法定节假日与调休）
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// 账号
    #[command(subcommand)]
    User(UserCommand),
    /// 接口令牌（供脚本调用 /api/v1）
    #[command(subcommand)]
    Token(TokenCommand),
    /// 审计日志
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 到期提醒、催办与督办
    #[command(subcommand)]
    Remind(RemindCommand),
    /// 督办：列出系统起草、待公开办发出的督办通知，发出或不予督办
    #[command(subcommand)]
    Notice(NoticeCommand),
    /// 单位的通知渠道（邮箱、企业微信、钉钉、飞书机器人）
    #[command(subcommand)]
    Contact(ContactCommand),
    /// 考核：按方案的考核规则为各单位打分（满分 100），逐项说明得分与扣分
    Score(ScoreArgs),
    /// 导出台账（.xlsx）
    #[command(subcommand)]
    Export(ExportCommand),
    /// 生成文书：单位自查报告、公开办通报（.docx 或 .pdf，按文件扩展名）
    #[command(subcommand)]
    Report(ReportCommand),
    /// 备份：全部数据与附件写入一个文件（服务运行中也可执行）
    Backup {
        file: PathBuf,
        /// 附件目录（默认取设置项 files.dir）
        #[arg(long)]
        files: Option<PathBuf>,
    },
    /// 生成演示数据：一个省的区、单位、村，每区每年一份清单，以及一年的报送与审核
    DemoData(DemoArgs),
    /// 从备份恢复到一个新建的空数据库（--db 指定）
    Restore {
        file: PathBuf,
        /// 附件目录（默认取设置项 files.dir）
        #[arg(long)]
        files: Option<PathBuf>,
    },
    /// 设置：列出所有设置项（example），或显示现在生效的设置（show，不显示密码）
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 区的数量（1–1000）
    #[arg(long, default_value_t = 100, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000))]
    pub districts: usize,
    /// 每个区的单位数（部门、镇街等，不含村；1–1000）
    #[arg(long, default_value_t = 100, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000))]
    pub units_per_district: usize,
    /// 全省的村（居）总数，平均分到各区的镇街（至多 1000000）
    #[arg(long, default_value_t = 30_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1_000_000))]
    pub villages: usize,
    /// 清单的年数（每区每年一份；1–10）
    #[arg(long, default_value_t = 2, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10))]
    pub years: usize,
    /// 第一年的年份
    #[arg(long, default_value_t = 2020, value_parser = year)]
    pub year: i32,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// 台账：一张总表，每个单位一张表；冻结表头、筛选、状态着色
    Ledger {
        #[arg(long)]
        out: PathBuf,
        /// 只导出一个单位
        #[arg(long)]
        unit: Option<String>,
        /// 以该日期为“今天”计算逾期（YYYY-MM-DD）
        #[arg(long, value_parser = date)]
        now: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 单位年度自查报告：逐项列出报送内容、时间、佐证材料与未完成事项
    SelfInspection {
        #[arg(long)]
        unit: String,
        #[arg(long, value_parser = year)]
        year: i32,
        /// 输出文件：.docx 或 .pdf
        #[arg(long)]
        out: PathBuf,
        /// 报告日期（默认该年 12 月 31 日与今天中较早的一天）
        #[arg(long, value_parser = date)]
        now: Option<NaiveDate>,
    },
    /// 公开办通报：考核排名与逾期未完成情况
    Bulletin {
        #[arg(long, value_parser = year)]
        year: i32,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_parser = date)]
        now: Option<NaiveDate>,
    },
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// 考核年份（该年的方案）
    #[arg(long, value_parser = year)]
    pub year: i32,
    /// 考核日（默认该年 12 月 31 日与今天中较早的一天）
    #[arg(long, value_parser = date)]
    pub now: Option<NaiveDate>,
    /// 以 JSON 数组输出：unit、score、explanation（另有 group、rank）
    #[arg(long)]
    pub json: bool,
}

/// How reminders leave by e-mail (over the settings smtp.url and smtp.from).
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// 发信服务器：smtp://主机:端口、smtps://用户:密码@主机，或 smtp://主机?tls=required
    #[arg(long)]
    pub smtp: Option<String>,
    /// 发件人地址
    #[arg(long)]
    pub mail_from: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// 输出一份设置文件样例：每个设置项、它的默认值与说明
    Example,
    /// 显示现在生效的设置（默认值、设置文件、环境变量与命令行参数合并后；密码不显示）
    Show,
}

#[derive(Debug, Subcommand)]
pub enum RemindCommand {
    /// 按某一天执行一次提醒：发送到期提醒、催办与督办，每条只发一次
    Run {
        /// 以该日期为“今天”（YYYY-MM-DD；默认今天，北京时间）
        #[arg(long, value_parser = date)]
        now: Option<NaiveDate>,
        /// 以 JSON 数组输出发出的消息
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        mail: MailArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// 列出待发的督办草稿（逾期达到督办条件、尚未办结的事项）
    Drafts {
        #[arg(long)]
        json: bool,
    },
    /// 发出督办草稿：编号并送达单位（可同时给出多个草稿编号）
    Issue {
        #[arg(required = true)]
        drafts: Vec<i64>,
        /// 新的办结期限 YYYY-MM-DD（默认：草稿建议的期限）
        #[arg(long, value_parser = date)]
        new_due: Option<NaiveDate>,
        /// 督办意见（写入通知）
        #[arg(long, default_value = "")]
        note: String,
        /// 以该日期为发出日期（YYYY-MM-DD；默认今天，北京时间）
        #[arg(long, value_parser = date)]
        now: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// 不予督办：草稿作废，须写明理由
    Dismiss {
        draft: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// 设置单位的通知渠道（未给出的渠道即关闭）
    Set {
        /// 单位（全称或简称）
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "")]
        email: String,
        /// 企业微信群机器人地址
        #[arg(long, default_value = "")]
        wecom: String,
        /// 钉钉群机器人地址
        #[arg(long, default_value = "")]
        dingtalk: String,
        /// 钉钉“加签”密钥
        #[arg(long, default_value = "")]
        dingtalk_secret: String,
        /// 飞书群机器人地址
        #[arg(long, default_value = "")]
        feishu: String,
        /// 飞书签名校验密钥
        #[arg(long, default_value = "")]
        feishu_secret: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 新建账号；密码从标准输入读取（--password-stdin），或自动生成并显示一次
    Add {
        #[arg(long)]
        login: String,
        /// office（公开办）、handler（承办人）、head（单位负责人）、viewer（领导）、admin（管理员）
        #[arg(long)]
        role: String,
        /// 所属单位（全称或简称；承办人与单位负责人必填）
        #[arg(long)]
        unit: Option<String>,
        /// 显示名称
        #[arg(long)]
        name: Option<String>,
        /// 从标准输入读取密码（第一行；至少 12 个字符，不能是常见密码）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出账号
    List {
        #[arg(long)]
        json: bool,
    },
    /// 停用账号：其登录立即失效，接口令牌不再可用
    Disable {
        #[arg(long)]
        login: String,
    },
    /// 重新启用账号
    Enable {
        #[arg(long)]
        login: String,
    },
    /// 重置密码：生成一次性密码并显示一次，账号的所有登录立即失效，下次登录须修改
    ResetPassword {
        #[arg(long)]
        login: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 为账号生成接口令牌，输出的最后一个词即令牌（只显示这一次）
    Create {
        #[arg(long)]
        login: String,
        /// 用途（便于日后辨认与撤销）
        #[arg(long, default_value = "命令行生成")]
        name: String,
        /// 有效天数（不写则长期有效，直到撤销）
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        expires_days: Option<u32>,
    },
    /// 列出接口令牌（不显示令牌本身）
    List {
        /// 只列该账号的
        #[arg(long)]
        login: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 撤销接口令牌（按 list 显示的编号）
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志的签名链与检查点：完好时退出码为 0，否则为 1 并指出第一条有问题的记录
    Verify,
    /// 为审计日志当前的末条记录签发检查点（服务运行时每 5 分钟自动签发），写入数据库与检查点文件
    Checkpoint,
    /// 列出最近的审计记录
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址（设置项 server.bind，默认 127.0.0.1:8080）
    #[arg(long)]
    pub bind: Option<String>,
    /// 为每种角色和每个单位创建试用账号并显示密码
    #[arg(long)]
    pub demo: bool,
    /// 以该日期为“今天”（演示与测试用，YYYY-MM-DD）
    #[arg(long, alias = "now", value_parser = date)]
    pub today: Option<NaiveDate>,
    /// 每隔多少秒执行一次提醒（0 为不执行；设置项 remind.every_seconds，默认 300）
    #[arg(long)]
    pub remind_every_seconds: Option<u64>,
    #[command(flatten)]
    pub mail: MailArgs,
    /// 经 HTTPS 提供服务时加上，使登录 Cookie 只经 HTTPS 发送（设置项 server.secure_cookies）
    #[arg(long)]
    pub secure_cookies: bool,
    /// 报送附件与导入文件的存放目录（按内容寻址；设置项 files.dir，默认 gongkai-data/files）
    #[arg(long)]
    pub files: Option<PathBuf>,
    /// 可信的反向代理地址（逗号分隔）：只有来自这些地址的 X-Forwarded-Proto: https 才被采信，据此给 Cookie 加 Secure
    /// （设置项 server.trusted_proxies，默认 127.0.0.1,::1）
    #[arg(long = "trusted-proxy", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// 单个上传文件的大小上限（MB；设置项 files.max_upload_mb，默认 50）
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=2048))]
    pub max_upload_mb: Option<u32>,
}

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// 计划年份（不写年份的日期属于该年）
    #[arg(long, required_unless_present = "jsonl", value_parser = year)]
    pub year: Option<i32>,
    /// 从标准输入逐行读取 {"text": …, "plan_year": …}，逐行输出结果
    #[arg(long, conflicts_with = "text")]
    pub jsonl: bool,
    /// 要解析的文字
    #[arg(required_unless_present = "jsonl")]
    pub text: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FoiCommand {
    /// 从标准输入逐行读取 {"channel", "events": [{"kind", "date"}]}，逐行输出 {"received", "due", "extended_due"}
    Clock {
        /// 逐行读取 JSON（目前唯一的输入方式）
        #[arg(long)]
        jsonl: bool,
    },
    /// 登记政府信息公开申请：从标准输入逐行读取 {"unit", "applicant", "channel", "text", "events": [{"kind", "date"}, …]}；任何一行有误则全部不登记
    Add {
        /// 逐行读取 JSON（目前唯一的输入方式）
        #[arg(long)]
        jsonl: bool,
    },
    /// 政府信息公开工作年度报告：表二、表三、表四及勾稽关系检查
    Report {
        /// 单位全称或简称；不写则为各单位汇总
        #[arg(long)]
        unit: Option<String>,
        /// 报告年度
        #[arg(long)]
        year: i32,
        /// 以 JSON 输出各表
        #[arg(long)]
        json: bool,
        /// 导出为文件（按扩展名：.docx、.pdf 或 .xlsx）
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum InspectCommand {
    /// 读取一个栏目（含翻页）列出的全部信息：标题、日期、地址
    Page {
        /// 栏目地址（http:// 或 https://）
        url: String,
        /// 最多读取的页数
        #[arg(long, default_value_t = 50)]
        pages: usize,
        /// 以 JSON 输出（数组，每项 {title, date, url}）
        #[arg(long)]
        json: bool,
    },
    /// 巡查已公布标准目录的栏目，输出发现的问题并生成整改任务
    Run {
        /// 只巡查这个单位（全称或简称）
        #[arg(long, conflicts_with = "all")]
        unit: Option<String>,
        /// 巡查全部单位（默认）
        #[arg(long)]
        all: bool,
        /// 以这一天为巡查日（YYYY-MM-DD，北京时间；默认今天）
        #[arg(long)]
        now: Option<String>,
        /// 以 JSON 输出（数组，每项 {unit, item, kind, url, evidence}）
        #[arg(long)]
        json: bool,
    },
    /// 列出巡查记录
    List,
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// 导入一个单位某一领域的标准目录（.docx / .xlsx，两行表头、勾选列、“同上”均可）
    Import {
        /// 目录文件
        file: PathBuf,
        /// 单位名称（单位目录中的全称或简称）
        #[arg(long)]
        unit: String,
        /// 领域：26个试点领域之一（如“社会救助”），或“综合”
        #[arg(long)]
        area: String,
        /// 只显示每一行如何理解，不保存
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 列出标准目录及其状态
    List {
        /// 只列这个单位的
        #[arg(long)]
        unit: Option<String>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 导出标准目录：.xlsx 工作簿，或 .docx / .pdf 文件汇编（A4 横向，每个单位每个领域一张表）
    Export {
        /// 只导出这个单位的（任何状态）；不写则导出全部已发布的目录
        #[arg(long)]
        unit: Option<String>,
        /// 输出文件（.xlsx、.docx 或 .pdf）
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct TimelimitArgs {
    /// 从标准输入逐行读取 {"text": …}，逐行输出结果
    #[arg(long, conflicts_with = "text")]
    pub jsonl: bool,
    /// 要解析的公开时限文字
    #[arg(required_unless_present = "jsonl")]
    pub text: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 任务清单文件：.docx、.xlsx 或 .txt
    pub file: PathBuf,
    /// 计划年份（默认取标题中的年份，否则为今年）
    #[arg(long, value_parser = year)]
    pub year: Option<i32>,
    /// 只显示每一行如何理解（单位、里程碑、日期），不保存
    #[arg(long)]
    pub dry_run: bool,
    /// 方案标题（默认取文件中的标题）
    #[arg(long)]
    pub title: Option<String>,
    /// 地区（默认：从化区）
    #[arg(long, default_value = "从化区")]
    pub region: String,
    /// 印发日期 YYYY-MM-DD：早于该日的日期不生成任务事项（默认：今年的方案为导入当天，往年的方案为该年1月1日）
    #[arg(long, value_parser = date)]
    pub start: Option<NaiveDate>,
    /// 以 JSON 输出（试导入时含各列的识别结果 mapping、各任务的牵头/配合单位、单位目录中没有的单位 unknown_units）
    #[arg(long)]
    pub json: bool,
    /// 指定各列的角色，覆盖自动识别：'任务=具体要求,牵头=牵头单位,配合=配合单位'（角色：序号、分类、任务、牵头、配合、责任、时限、项目、忽略）
    #[arg(long)]
    pub map: Option<String>,
    /// 清单中单位目录没有的单位，导入时一并新建（与清单在同一事务中；新建的单位标为“待核实”，可在单位目录中更正）
    #[arg(long)]
    pub create_units: bool,
}

#[derive(Debug, Args)]
pub struct TasksArgs {
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ObligationsArgs {
    /// 只列该单位的（全称或简称）
    #[arg(long)]
    pub unit: Option<String>,
    /// 只列截止日期早于该日的（YYYY-MM-DD）
    #[arg(long, value_parser = date)]
    pub due_before: Option<NaiveDate>,
    /// 最多列出多少条
    #[arg(long)]
    pub limit: Option<i64>,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// 从 CSV 导入单位（name,short_name,kind,parent,source），补充或更新已有单位
    Import {
        file: PathBuf,
        /// 以文件为准：删除文件中没有的单位（已有任务的单位不能删除）
        #[arg(long)]
        replace: bool,
    },
    /// 列出单位
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 导入节假日安排（起始日期,结束日期,休|班,名称）
    Import { file: PathBuf },
    /// 推算某日之后第 N 个工作日
    AddWorkingDays {
        #[arg(value_parser = date)]
        date: NaiveDate,
        #[arg(value_parser = clap::value_parser!(u32).range(0..=3650))]
        days: u32,
    },
}
