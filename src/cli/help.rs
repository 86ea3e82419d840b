//! The command line in the user's language: every help text of [`Cli`] in
//! Chinese and English side by side (`TEXTS`), set on clap's command before
//! it parses, with the help's headings, the usage line and clap's usage
//! errors in Chinese — clap's own English under `--lang en`. The language is
//! the one `--lang` asks for, read from the raw arguments first.

use std::ffi::{OsStr, OsString};

use clap::builder::Str;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command, CommandFactory, FromArgMatches};

use super::Cli;
use crate::diagnostic::{Failure, Lang, Text, printable};

/// Every help text: `(key, 中文, English)`. A command's about is keyed by its
/// name (`kaohe` for the program); an argument's help by `command.id`, or by
/// `*.id` when it reads the same in every command that has it. A new option
/// needs its line here; a unit test fails for any argument without one.
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "kaohe",
        "考核：读取台账与考核指标，计算得分，生成得分表与反馈文书",
        "kaohe: reads the ledgers and the criteria, scores the units, writes the score workbook and the feedback documents",
    ),
    (
        "check",
        "只校验输入并报告问题，不写文件",
        "Validate the inputs and report the problems; writes nothing",
    ),
    ("score", "校验、计分并写出全部结果", "Validate, score and write every output"),
    ("merge", "汇总下级报送的得分表", "Combine the score workbooks that lower levels submitted"),
    ("init", "写出空白输入工作簿与可编辑模板", "Write a blank input workbook and editable templates"),
    ("serve", "启动本机网页版", "Serve the local web page"),
    ("help", "显示本说明或所给命令的说明", "Print this message or the help of the given command"),
    ("*.help", "显示帮助", "Print help"),
    ("*.version", "显示版本", "Print version"),
    ("*.inputs", "输入文件：.xlsx .xlsm .xls .ods .csv", "Input files: .xlsx .xlsm .xls .ods .csv"),
    ("*.year", "考核年度（优先于设置表中的年度）", "Assessment year (over the one in the 设置 sheet)"),
    ("*.strict", "将警告视为错误", "Treat warnings as errors"),
    ("*.lang", "提示信息和本说明的语言", "Language of the messages and of this help"),
    ("*.output", "输出文件夹（必填）", "Output folder (required)"),
    (
        "*.force",
        "输出文件夹已存在且非空时，替换 kaohe 上次在这里写出的文件",
        "Replace what kaohe wrote before in an output folder that is not empty",
    ),
    (
        "score.json",
        "在标准输出打印机器可读的汇总 (JSON)",
        "Print the machine-readable summary (JSON) on standard output",
    ),
    ("score.templates", "自定义文书模板所在文件夹", "Folder of your own document templates"),
    ("score.jobs", "并行线程数（默认为 CPU 核数）", "Number of threads (default: the CPU count)"),
    (
        "score.pdf",
        "同时用 LibreOffice 生成通报和反馈汇编的 PDF；--pdf all 连每份反馈意见也生成",
        "Also write the bulletin and the volume as PDF with LibreOffice; --pdf all each letter too",
    ),
    (
        "score.previous",
        "上年（考核年度 − 1）的考核得分表，用于与上年对比",
        "Last year's (year − 1) score workbook, to compare with",
    ),
    ("merge.workbooks", "下级报送的考核得分表", "The score workbooks submitted"),
    (
        "merge.ideological_weight",
        "本级意识形态工作权重（%），下级不得低于此值",
        "This level's ideological weight (%); no submitted system may weigh it less",
    ),
    (
        "merge.assessor",
        "本级单位名称，用于汇总通报的发文机关和落款",
        "This level's organisation, issuer and signature of the combined bulletin",
    ),
    (
        "merge.doc_number",
        "汇总通报的发文字号，如“县委发〔2026〕1号”",
        "The combined bulletin's document number, e.g. 县委发〔2026〕1号",
    ),
    (
        "merge.doc_date",
        "汇总通报的成文日期，如 2026-01-15（不给时取最晚一份报送得分表的成文日期）",
        "The combined bulletin's date, e.g. 2026-01-15 (default: the latest of the submitted workbooks')",
    ),
    ("init.dir", "目标文件夹", "Target folder"),
    (
        "init.force",
        "目标文件夹已存在且非空时，替换 kaohe 上次写出且未改动的文件",
        "Replace the files kaohe wrote there before and nobody changed since",
    ),
    (
        "serve.listen",
        "监听地址；非本机回环地址必须使用访问令牌",
        "Address to listen on; one other than loopback needs a token",
    ),
    (
        "serve.token",
        "访问令牌（不给出时，非回环地址会生成一个随机令牌）",
        "Access token (generated for an address other than loopback when not given)",
    ),
    ("serve.max_jobs", "同时计分的任务数", "Jobs scored at once"),
    ("serve.keep_hours", "任务文件保留的小时数", "Hours a job's files are kept"),
    ("serve.max_upload_mb", "一次上传的总大小上限（MB）", "Largest upload, all files together (MB)"),
    (
        "serve.lang",
        "网页默认语言，也是提示信息和本说明的语言",
        "Default language of the page, the messages and this help",
    ),
];

/// The placeholders of the values options take, in Chinese: `--output
/// <文件夹>`. A value spelled as it is typed (`all`) or a letter stands for
/// itself; a unit test fails for a placeholder missing here.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("INPUT", "输入文件"),
    ("WORKBOOK", "得分表"),
    ("DIR", "文件夹"),
    ("YEAR", "年度"),
    ("LANG", "语言"),
    ("NAME", "名称"),
    ("ADDR", "地址"),
    ("T", "令牌"),
    ("N", "N"),
    ("P", "P"),
    ("H", "H"),
    ("M", "M"),
    ("NUMBER", "文号"),
    ("DATE", "日期"),
    ("all", "all"),
];

/// The text `key` names, in `lang`.
fn text(key: &str, lang: Lang) -> Option<&'static str> {
    let (_, zh, en) = TEXTS.iter().find(|(known, ..)| *known == key)?;
    Some(match lang {
        Lang::Zh => zh,
        Lang::En => en,
    })
}

/// The help of argument `id` of command `command`: its own, else the shared one.
fn arg_text(command: &str, id: &str, lang: Lang) -> Option<&'static str> {
    text(&format!("{command}.{id}"), lang).or_else(|| text(&format!("*.{id}"), lang))
}

/// The language the arguments ask for: the first `--lang en` or `--lang=en`
/// before a `--`; Chinese otherwise, a value clap will refuse included.
pub fn requested_lang(args: &[OsString]) -> Lang {
    let mut args = args.iter().map(OsString::as_os_str).take_while(|arg| *arg != "--");
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--lang") => args.next(),
            Some(arg) => arg.strip_prefix("--lang=").map(OsStr::new),
            None => None,
        };
        if let Some(value) = value {
            return if value == "en" { Lang::En } else { Lang::Zh };
        }
    }
    Lang::Zh
}

/// Parses the arguments with [`command`] in `lang`. Help and version are
/// [`Failure::Arguments`] (stdout, status 0); a usage error is a
/// [`Failure::Usage`] in both languages (status 2).
pub fn parse(args: Vec<OsString>, lang: Lang) -> Result<Cli, Failure> {
    let mut command = command(lang);
    let program = match args.get(1).and_then(|arg| arg.to_str()) {
        Some(name) if command.find_subcommand(name).is_some() => format!("kaohe {name}"),
        _ => "kaohe".to_owned(),
    };
    let told = |error: clap::Error| match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Failure::Arguments(error),
        _ => Failure::Usage(Text::new(in_chinese(&error, &program), error.render().to_string().trim_end())),
    };
    let matches = command.try_get_matches_from_mut(args).map_err(told)?;
    Cli::from_arg_matches(&matches).map_err(told)
}

/// kaohe's clap command with every text, heading and usage line in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut command = Cli::command();
    // Building adds `--help`, `--version` and the `help` command, so they
    // are described with the rest.
    command.build();
    localise(command, lang)
}

/// `command` and its subcommands described in `lang`.
fn localise(command: Command, lang: Lang) -> Command {
    let name = command.get_name().to_owned();
    let mut command = command.mut_args(|arg| describe(arg, &name, lang));
    let usage = command.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let usage = match lang {
        Lang::Zh => {
            usage.replace("[OPTIONS]", "[选项]").replace("<COMMAND>", "<命令>").replace("[COMMAND]", "[命令]")
        }
        Lang::En => usage.to_owned(),
    };
    let template = help_template(&command, lang);
    command
        .about(text(&name, lang))
        .override_usage(usage)
        .help_template(template)
        .mut_subcommands(|subcommand| localise(subcommand, lang))
}

/// Argument `arg` of command `command` with its help, default and possible
/// values and (in Chinese) its placeholders in `lang`.
fn describe(arg: Arg, command: &str, lang: Lang) -> Arg {
    let arg = match arg_text(command, arg.get_id().as_str(), lang) {
        Some(help) => arg.clone().help(help.to_owned() + &values(&arg, lang)),
        None => arg,
    };
    let arg = arg.hide_possible_values(true).hide_default_value(true);
    let placeholders: Vec<Str> = arg
        .get_value_names()
        .unwrap_or_default()
        .iter()
        .map(|placeholder| match (lang, value_name(placeholder)) {
            (Lang::Zh, Some(chinese)) => Str::from(chinese),
            _ => placeholder.clone(),
        })
        .collect();
    if placeholders.is_empty() { arg } else { arg.value_names(placeholders) }
}

/// The Chinese for the placeholder `name`.
fn value_name(name: &str) -> Option<&'static str> {
    VALUE_NAMES.iter().find(|(english, _)| *english == name).map(|(_, chinese)| *chinese)
}

/// The help's layout with its headings in `lang`, naming only the sections
/// `command` has.
fn help_template(command: &Command, lang: Lang) -> String {
    let [usage, commands, arguments, options] = match lang {
        Lang::Zh => ["用法：", "命令：", "参数：", "选项："],
        Lang::En => ["Usage: ", "Commands:", "Arguments:", "Options:"],
    };
    let mut template = format!("{{before-help}}{{about-with-newline}}\n{usage}{{usage}}");
    if command.has_subcommands() {
        template.push_str(&format!("\n\n{commands}\n{{subcommands}}"));
    }
    if command.get_positionals().next().is_some() {
        template.push_str(&format!("\n\n{arguments}\n{{positionals}}"));
    }
    if command.get_arguments().any(|arg| !arg.is_positional()) {
        template.push_str(&format!("\n\n{options}\n{{options}}"));
    }
    template + "{after-help}"
}

/// What clap would append to `arg`'s help — its default and its possible
/// values — in `lang`: ` [默认：zh；可选：zh、en]`.
fn values(arg: &Arg, lang: Lang) -> String {
    if !arg.get_action().takes_values() {
        return String::new();
    }
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    let (default, values, and, list) = match lang {
        Lang::Zh => ("默认：", "可选：", "；", "、"),
        Lang::En => ("default: ", "possible values: ", "] [", ", "),
    };
    let parts: Vec<String> = [(default, defaults), (values, possible)]
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .map(|(label, items)| format!("{label}{}", items.join(list)))
        .collect();
    if parts.is_empty() { String::new() } else { format!(" [{}]", parts.join(and)) }
}

/// A usage error of `program` (`kaohe score`) told in Chinese: what is
/// wrong, a suggestion if clap has one, the usage line and where to read more.
fn in_chinese(error: &clap::Error, program: &str) -> String {
    let all = |kind: ContextKind| -> Vec<String> {
        match error.get(kind) {
            Some(ContextValue::String(value)) => vec![value.clone()],
            Some(ContextValue::Strings(values)) => values.clone(),
            Some(ContextValue::StyledStr(value)) => vec![value.to_string()],
            Some(ContextValue::StyledStrs(values)) => values.iter().map(ToString::to_string).collect(),
            Some(ContextValue::Number(number)) => vec![number.to_string()],
            _ => Vec::new(),
        }
    };
    let one = |kind: ContextKind| all(kind).into_iter().next().map(|value| printable(&value).into_owned());
    let arg = one(ContextKind::InvalidArg).unwrap_or_default();
    let value = one(ContextKind::InvalidValue).unwrap_or_default();
    let number = |kind: ContextKind| one(kind).unwrap_or_default();
    let message = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 需要一个值"),
        ErrorKind::InvalidValue => match all(ContextKind::ValidValue) {
            valid if valid.is_empty() => format!("{arg} 的值“{value}”无效"),
            valid => format!("{arg} 的值“{value}”无效，可用的值：{}", valid.join("、")),
        },
        ErrorKind::ValueValidation => format!("{arg} 的值“{value}”无效"),
        ErrorKind::UnknownArgument if arg.starts_with('-') => format!("不认识的参数 {arg}"),
        ErrorKind::UnknownArgument => format!("多余的参数 {arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的命令 {}", one(ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::NoEquals => format!("{arg} 的值要用等号连在它后面"),
        ErrorKind::TooManyValues => format!("{arg} 不接受更多的值，多出了“{value}”"),
        ErrorKind::TooFewValues => format!(
            "{arg} 至少需要{}个值，只给了{}个",
            number(ContextKind::MinValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "{arg} 需要{}个值，给了{}个",
            number(ContextKind::ExpectedNumValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::ArgumentConflict => match one(ContextKind::PriorArg) {
            Some(prior) if prior != arg => format!("{arg} 不能与 {prior} 同时使用"),
            _ => format!("{arg} 只能给出一次"),
        },
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必填的参数 {}", all(ContextKind::InvalidArg).join("、"))
        }
        ErrorKind::MissingSubcommand => {
            format!("缺少命令，可用的命令：{}", all(ContextKind::ValidSubcommand).join("、"))
        }
        ErrorKind::InvalidUtf8 => "参数中有不是 UTF-8 的文字".to_owned(),
        _ => format!("命令行有误：{}", error.render().to_string().trim_end()),
    };
    let mut out = format!("错误: {message}");
    let suggested =
        [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue];
    if let Some(suggestion) = suggested.into_iter().find_map(one) {
        out.push_str(&format!("\n  提示: 要写的是 {suggestion} 吗？"));
    } else if error.kind() == ErrorKind::UnknownArgument && error.get(ContextKind::Suggested).is_some() {
        out.push_str(&format!("\n  提示: 要把 {arg} 当作文件名，写成 -- {arg}"));
    }
    if let Some(usage) = one(ContextKind::Usage) {
        out.push_str(&format!("\n\n用法：{}", usage.strip_prefix("Usage: ").unwrap_or(&usage)));
    }
    out + &format!("\n\n运行 {program} --help 查看说明")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument kaohe has, with its command's name, the
    /// `help` command's copies of the others left out.
    fn every_command(command: &Command) -> Vec<&Command> {
        let mut all = vec![command];
        if command.get_name() != "help" {
            all.extend(command.get_subcommands().flat_map(every_command));
        }
        all
    }

    #[test]
    fn every_command_and_argument_has_a_text_in_both_languages() {
        let command = command(Lang::Zh);
        for command in every_command(&command) {
            let name = command.get_name();
            for lang in [Lang::Zh, Lang::En] {
                assert!(
                    text(name, lang).is_some_and(|about| !about.is_empty()),
                    "{name} has no about in {lang:?}"
                );
                for arg in command.get_arguments() {
                    let id = arg.get_id().as_str();
                    assert!(
                        arg_text(name, id, lang).is_some(),
                        "{name} {id} has no help in {lang:?}: add it to TEXTS"
                    );
                }
            }
        }
    }

    #[test]
    fn every_placeholder_has_a_chinese_one() {
        let command = command(Lang::En);
        for command in every_command(&command) {
            for arg in command.get_arguments().filter(|arg| arg.get_action().takes_values()) {
                for name in arg.get_value_names().unwrap_or_default() {
                    assert!(
                        value_name(name).is_some(),
                        "{} {}: add <{name}> to VALUE_NAMES",
                        command.get_name(),
                        arg.get_id()
                    );
                }
            }
        }
        let score = super::command(Lang::Zh).find_subcommand_mut("score").unwrap().render_usage().to_string();
        assert_eq!(score, "Usage: kaohe score [选项] --output <文件夹> <输入文件>...");
    }

    #[test]
    fn each_text_is_in_its_language_and_used() {
        let command = command(Lang::Zh);
        let commands = every_command(&command);
        let used = |key: &str| match key.split_once('.') {
            None => commands.iter().any(|command| command.get_name() == key),
            Some((name, id)) => commands
                .iter()
                .filter(|command| name == "*" || command.get_name() == name)
                .any(|command| command.get_arguments().any(|arg| arg.get_id() == id)),
        };
        let han = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (index, (key, zh, en)) in TEXTS.iter().enumerate() {
            assert!(used(key), "{key} describes nothing");
            assert!(han(zh), "{key}: {zh}");
            assert!(en.starts_with(|c: char| c.is_ascii_alphabetic()) && en != zh, "{key}: {en}");
            assert!(TEXTS[..index].iter().all(|(other, ..)| other != key), "{key} twice");
        }
    }

    /// The derive holds no text of its own: each lives once, in [`TEXTS`].
    #[test]
    fn the_derive_leaves_the_texts_to_the_table() {
        let command = Cli::command();
        for command in std::iter::once(&command).chain(command.get_subcommands()) {
            assert_eq!(command.get_about(), None, "{}", command.get_name());
            for arg in command.get_arguments() {
                assert_eq!(
                    arg.get_help(),
                    None,
                    "{} {}: put its help in TEXTS",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let lang = |args: &[&str]| requested_lang(&args.iter().map(OsString::from).collect::<Vec<_>>());
        assert_eq!(lang(&["kaohe", "score", "--help"]), Lang::Zh);
        assert_eq!(lang(&["kaohe", "score", "--lang", "en", "--help"]), Lang::En);
        assert_eq!(lang(&["kaohe", "check", "x.xlsx", "--lang=en"]), Lang::En);
        assert_eq!(
            lang(&["kaohe", "check", "--lang", "fr", "--lang", "en"]),
            Lang::Zh,
            "the first one counts"
        );
        assert_eq!(lang(&["kaohe", "check", "--", "--lang", "en"]), Lang::Zh, "after -- it is a file");
    }

    #[test]
    fn defaults_and_possible_values_are_told_in_the_help() {
        let lang = Arg::new("lang").long("lang").value_parser(["zh", "en"]).default_value("zh");
        assert_eq!(values(&lang, Lang::Zh), " [默认：zh；可选：zh、en]");
        assert_eq!(values(&lang, Lang::En), " [default: zh] [possible values: zh, en]");
        assert_eq!(values(&Arg::new("strict").long("strict").action(clap::ArgAction::SetTrue), Lang::Zh), "");
    }
}
