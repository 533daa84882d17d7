//! Settings as they are read and checked: defaults, the settings file,
//! what does not fit together, and `.env.example` listing every one.

use super::*;

/// Validation on a machine that tells nothing about itself.
fn validate(raw: Raw) -> anyhow::Result<Settings> {
    Settings::validate(raw, &Host::default())
}

fn raw(now: Option<&str>, log_format: &str) -> Raw {
    Raw {
        data_dir: "data".into(),
        now: now.map(str::to_string),
        history_file: None,
        log_format: log_format.into(),
        database_url: None,
        state_dir: None,
        usage_key: None,
        usage_store_queries: true,
        usage_durability: "shutdown".into(),
        reminder_minutes: 10,
        public_url: None,
        time_zone: None,
        schedule_url: None,
        schedule_sync_seconds: 300,
        fetch_allow: None,
        http_addr: DEFAULT_HTTP_ADDR.into(),
        http_header_timeout_seconds: http::DEFAULT_HEADER_SECONDS,
        http_body_timeout_seconds: http::DEFAULT_BODY_SECONDS,
        http_idle_timeout_seconds: http::DEFAULT_IDLE_SECONDS,
        http_max_connections: http::DEFAULT_MAX_CONNECTIONS,
        accept_replays: false,
        slack_signing_secret: None,
        slack_bot_token: None,
        slack_app_token: None,
        slack_organisers: IdList::None,
        slack_organiser_group: None,
        slack_channels: IdList::None,
        slack_replies: "ephemeral".into(),
        slack_help_channel: None,
        discord_token: None,
        discord_application_id: None,
        discord_public_key: None,
        discord_organiser_roles: IdList::None,
        discord_channels: IdList::None,
        discord_shard_total: None,
        discord_replicas: 1,
        discord_keynote_guild: None,
        discord_keynote_kinds: IdList::None,
        discord_dm_rate: super::discord::DEFAULT_DM_RATE,
        discord_help_channel: None,
        help_contact: None,
        help_per_hour: super::HelpSettings::DEFAULT_PER_HOUR,
        qa_closes_after_minutes: super::QA_CLOSES_AFTER_MINUTES,
        replica_ordinal: None,
    }
}

#[test]
fn the_public_address_is_a_web_address() {
    let mut settings = raw(None, "text");
    settings.public_url = Some("https://emcee.example.org/ ".into());
    assert_eq!(validate(settings.clone()).unwrap().public_url.as_deref(), Some("https://emcee.example.org"));
    settings.public_url = Some("emcee.example.org".into());
    let error = validate(settings).unwrap_err();
    assert!(error.to_string().contains("EMCEE_PUBLIC_URL is `emcee.example.org`"), "{error}");
}

#[test]
fn validates_the_pinned_clock() {
    let settings = validate(raw(Some("2022-11-01T09:30:00+01:00"), "text")).unwrap();
    assert_eq!(settings.now.unwrap().to_string(), "2022-11-01T08:30:00Z");
    let error = validate(raw(Some("tomorrow"), "text")).unwrap_err();
    assert!(error.to_string().contains("EMCEE_NOW is `tomorrow`"), "{error}");
    let error = validate(raw(None, "xml")).unwrap_err();
    assert!(error.to_string().contains("use `text` or `json`"), "{error}");
}

#[test]
fn bounds_the_http_server_s_patience() {
    assert_eq!(validate(raw(None, "text")).unwrap().http, HttpSettings::default());
    let mut never = raw(None, "text");
    never.http_idle_timeout_seconds = 0;
    assert!(validate(never).unwrap_err().to_string().contains("EMCEE_HTTP_IDLE_TIMEOUT_SECONDS is 0"));
    let mut none = raw(None, "text");
    none.http_max_connections = 0;
    assert!(validate(none).unwrap_err().to_string().contains("EMCEE_HTTP_MAX_CONNECTIONS is 0"));
}

#[test]
fn reads_the_usage_log_s_durability() {
    assert_eq!(validate(raw(None, "text")).unwrap().usage_durability, Durability::Shutdown);
    let mut durable = raw(None, "text");
    durable.usage_durability = "crash".into();
    assert_eq!(validate(durable).unwrap().usage_durability, Durability::Crash);
    let mut unknown = raw(None, "text");
    unknown.usage_durability = "power-cut".into();
    assert!(validate(unknown).unwrap_err().to_string().contains("use `shutdown` or `crash`"));
}

#[test]
fn keeps_state_beside_the_sqlite_file() {
    let settings = validate(raw(None, "text")).unwrap();
    assert_eq!((settings.database_url.as_str(), settings.state_dir.to_str()), (DEFAULT_DATABASE_URL, Some(".")));
    let mut elsewhere = raw(None, "text");
    elsewhere.database_url = Some("sqlite:///var/lib/emcee/usage.db".into());
    assert_eq!(validate(elsewhere).unwrap().state_dir, PathBuf::from("/var/lib/emcee"));
}

mod platform {
    use super::validate;
    use super::*;

    fn raw() -> Raw {
        super::raw(None, "text")
    }

    #[test]
    fn explains_platform_settings_that_do_not_fit_together() {
        let mut settings = raw();
        settings.slack_bot_token = Some("xoxb-1".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("neither SLACK_SIGNING_SECRET"), "{error}");

        let mut settings = raw();
        settings.slack_app_token = Some("xoxb-wrong".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("starting `xapp-`"), "{error}");

        let mut settings = raw();
        settings.discord_public_key = Some("not hex".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("64 hexadecimal digits"), "{error}");

        let mut settings = raw();
        settings.slack_replies = "loud".into();
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_SLACK_REPLIES is `loud`"), "{error}");

        let mut settings = raw();
        settings.http_addr = "localhost".into();
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_HTTP_ADDR is `localhost`"), "{error}");

        let mut settings = raw();
        settings.slack_signing_secret = Some("s".into());
        settings.slack_help_channel = Some("C0HELP".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_SLACK_HELP_CHANNEL is set") && error.contains("SLACK_BOT_TOKEN"), "{error}");

        let mut settings = raw();
        settings.discord_help_channel = Some("12 34".into());
        settings.discord_token = Some("token".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("more than one channel"), "{error}");

        let mut settings = raw();
        settings.help_per_hour = 0;
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_HELP_PER_HOUR is 0"), "{error}");
    }

    #[test]
    fn reads_the_help_desk() {
        let mut settings = raw();
        settings.discord_token = Some("token".into());
        settings.discord_help_channel = Some(" 123456789012345679 ".into());
        settings.help_contact = Some(" the help desk by registration ".into());
        let settings = validate(settings).unwrap();
        assert_eq!(settings.discord.help_channel, Some(123_456_789_012_345_679));
        assert_eq!(settings.help.contact.as_deref(), Some("the help desk by registration"));
        assert_eq!(settings.help.per_hour, super::HelpSettings::DEFAULT_PER_HOUR);
    }

    #[test]
    fn reads_id_lists_from_text_or_arrays() {
        let mut settings = raw();
        settings.slack_signing_secret = Some("s".into());
        settings.slack_organisers = IdList::Text("U1, U2  U3".into());
        settings.discord_organiser_roles = IdList::List(vec!["42".into(), " 7 ".into()]);
        let settings = validate(settings).unwrap();
        assert_eq!(settings.slack.organisers, ["U1", "U2", "U3"]);
        assert_eq!(settings.discord.organiser_roles, [42, 7]);
    }

    #[test]
    fn reads_the_keynote_events_and_the_direct_message_rate() {
        let mut settings = raw();
        settings.discord_token = Some("token".into());
        settings.discord_keynote_guild = Some("81384788765712384".into());
        settings.discord_keynote_kinds = IdList::Text("Keynote, Opening plenary".into());
        let settings = validate(settings).unwrap();
        assert_eq!(settings.discord.keynote_guild, Some(81_384_788_765_712_384));
        assert_eq!(settings.discord.keynote_kinds, ["Keynote", "Opening plenary"]);
        assert_eq!(settings.discord.dm_rate, 50.0);

        let mut settings = raw();
        settings.discord_keynote_guild = Some("81384788765712384".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("needs DISCORD_TOKEN"), "{error}");
        let mut settings = raw();
        settings.discord_token = Some("token".into());
        settings.discord_keynote_guild = Some("my server".into());
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_DISCORD_KEYNOTE_GUILD is `my server`"), "{error}");
        let mut settings = raw();
        settings.reminder_minutes = 100_000_000_000_000_000;
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_REMINDER_MINUTES is 100000000000000000"), "{error}");
        let mut settings = raw();
        settings.discord_dm_rate = 0.0;
        let error = validate(settings).unwrap_err().to_string();
        assert!(error.contains("EMCEE_DISCORD_DM_RATE is 0"), "{error}");
        assert_eq!(validate(raw()).unwrap().discord.keynote_kinds, ["Keynote"], "the default");
        let mut settings = raw();
        settings.discord_token = Some("token".into());
        settings.discord_replicas = 2;
        settings.replica_ordinal = Some(1);
        let settings = validate(settings).unwrap();
        assert_eq!((settings.discord.ordinal, settings.discord.replicas), (1, 2), "the replicas share the rate");
    }

    #[test]
    fn a_settings_file_may_leave_every_setting_out() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("emcee.toml");
        std::fs::write(&file, "").unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.http_addr.to_string(), DEFAULT_HTTP_ADDR);
        std::fs::write(&file, "slack_organisers = [\"U1\"]\ndiscord_channels = []\n").unwrap();
        assert!(Settings::load(Some(&file)).is_ok());
    }

    #[test]
    fn takes_the_machine_from_what_it_is_given() {
        let host =
            Host { home: Some("/home/ana".into()), user: Some("ana".into()), hostname: Some("emcee-gateway-1".into()) };
        let mut settings = raw();
        settings.discord_token = Some("token".into());
        settings.discord_shard_total = Some(4);
        settings.discord_replicas = 2;
        let settings = Settings::validate(settings, &host).unwrap();
        assert_eq!(settings.history_file, Some(PathBuf::from("/home/ana/.emcee_history")));
        assert_eq!((settings.operator.as_str(), settings.host.as_str()), ("ana", "emcee-gateway-1"));
        assert_eq!(settings.discord.shards, Some((2, 3, 4)), "the pod's ordinal is read from its name");
        let settings = validate(raw()).unwrap();
        assert_eq!(
            (settings.operator.as_str(), settings.host.as_str(), settings.history_file),
            ("operator", "operator", None)
        );
    }

    #[test]
    fn splits_shards_between_replicas() {
        let ranges: Vec<_> = (0..3).map(|i| shard_range(i, 3, 8)).collect();
        assert_eq!(ranges, [(0, 2, 8), (3, 5, 8), (6, 7, 8)]);
        assert_eq!(shard_range(0, 1, 4), (0, 3, 4));
    }

    /// The names `Raw`'s fields have, as serde asks for them.
    fn setting_keys() -> &'static [&'static str] {
        use serde::de::{Error as _, Visitor};
        struct Capture<'a>(&'a mut &'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for Capture<'_> {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(Self::Error::custom("only a struct's field names are read"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                *self.0 = fields;
                Err(Self::Error::custom("only a struct's field names are read"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
                unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        let mut fields: &'static [&'static str] = &[];
        let _ = Raw::deserialize(Capture(&mut fields));
        fields
    }

    /// Variables read outside the settings struct, and their defaults: the
    /// settings file's name, and the log filter.
    const READ_OUTSIDE: &[(&str, Option<&str>)] = &[("EMCEE_CONFIG", None), ("RUST_LOG", Some(DEFAULT_LOG_FILTER))];

    /// The name of every variable emcee reads.
    fn settings_read() -> Vec<String> {
        let keys = setting_keys();
        assert!(keys.len() > 20 && keys.contains(&"http_addr"), "{keys:?}");
        let mut read: Vec<String> = keys
            .iter()
            .map(|key| match PLATFORM_VARIABLES.iter().find(|(_, k)| k == key) {
                Some((platform, _)) => platform.to_string(),
                None => format!("EMCEE_{}", key.to_uppercase()),
            })
            .collect();
        read.extend(READ_OUTSIDE.iter().map(|(name, _)| name.to_string()));
        read
    }

    /// What the code takes for the variable `name` when nothing sets it:
    /// `Some` value for a setting with a plain default, `None` for one that
    /// is unset or worked out at start.
    fn code_default(name: &str) -> Option<String> {
        if let Some((_, default)) = READ_OUTSIDE.iter().find(|(n, _)| *n == name) {
            return default.map(str::to_string);
        }
        let key = match PLATFORM_VARIABLES.iter().find(|(variable, _)| *variable == name) {
            Some((_, key)) => key.to_string(),
            None => name.strip_prefix("EMCEE_").expect("an EMCEE_ variable").to_lowercase(),
        };
        let defaults = Settings::defaults().and_then(|builder| builder.build()).unwrap();
        defaults.get_string(&key).ok()
    }

    /// The rows of the settings table in `docs/operators.md`: each row's
    /// settings (the backticked names of its first cell) and its default cell.
    fn operators_guide_settings() -> Vec<(String, Vec<String>, String)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/operators.md");
        let guide = std::fs::read_to_string(path).unwrap();
        let table =
            guide.split("| setting | default | meaning |").nth(1).expect("docs/operators.md has a settings table");
        table
            .lines()
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|row| {
                let mut cells = row.trim_start_matches('|').split('|').map(str::trim);
                let names = cells.next().unwrap_or("").split('`').skip(1).step_by(2).map(str::to_string).collect();
                (row.to_string(), names, cells.next().unwrap_or("").to_string())
            })
            .collect()
    }

    /// The table in `docs/operators.md` names every setting emcee reads, and
    /// no other, with the default the code takes when it is unset. A default
    /// is one per setting the row names, separated by `, ` (or one for them
    /// all); a plain default is written as its value in backticks, and a
    /// setting without one says so in words ("unset", "the system clock").
    #[test]
    fn the_operators_guide_s_settings_table_lists_every_setting_read_with_its_default() {
        let rows = operators_guide_settings();
        let listed: Vec<&String> = rows.iter().flat_map(|(_, names, _)| names).collect();
        let read = settings_read();
        let missing: Vec<&String> = read.iter().filter(|name| !listed.contains(name)).collect();
        let unknown: Vec<&&String> = listed.iter().filter(|name| !read.contains(name)).collect();
        assert!(missing.is_empty(), "read but not in docs/operators.md's settings table: {missing:?}");
        assert!(unknown.is_empty(), "in docs/operators.md's settings table but read nowhere: {unknown:?}");

        let mut wrong = Vec::new();
        for (row, names, cell) in &rows {
            let parts: Vec<&str> = match cell.split(", ").collect::<Vec<_>>() {
                parts if parts.len() == names.len() => parts,
                _ if !cell.contains(", ") || names.len() == 1 => vec![cell.as_str(); names.len()],
                parts => {
                    wrong.push(format!("{row}\n  gives {} defaults for {} settings", parts.len(), names.len()));
                    continue;
                }
            };
            for (name, part) in names.iter().zip(parts) {
                let plain =
                    part.strip_prefix('`').and_then(|rest| rest.strip_suffix('`')).filter(|value| !value.contains('`'));
                match (plain, code_default(name)) {
                    (Some(table), Some(code)) if table == code => {}
                    (Some(table), Some(code)) => {
                        wrong.push(format!("{row}\n  {name}: the table's default is `{table}`, the code's is `{code}`"))
                    }
                    (Some(table), None) => wrong.push(format!(
                        "{row}\n  {name}: the table's default is `{table}`, but the code has no plain default \
                         (it is unset or worked out at start): say so in words"
                    )),
                    (None, Some(code)) => wrong.push(format!(
                        "{row}\n  {name}: the table says \"{part}\", but the code's default is `{code}`: write `{code}`"
                    )),
                    (None, None) if part.is_empty() => {
                        wrong.push(format!("{row}\n  {name}: no default given; say in words that there is none"))
                    }
                    (None, None) => {}
                }
            }
        }
        assert!(wrong.is_empty(), "docs/operators.md's settings table is wrong:\n{}", wrong.join("\n"));
    }

    #[test]
    fn every_setting_read_is_in_env_example_with_a_comment() {
        let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.example")).unwrap();
        let lines: Vec<&str> = example.lines().collect();
        let variable = |line: &str| -> Option<String> {
            let line = line.trim_start_matches('#').trim_start();
            let (name, _) = line.split_once('=')?;
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .then(|| name.to_string())
        };
        let read = settings_read();
        for name in &read {
            let Some(at) = lines.iter().position(|line| variable(line).as_deref() == Some(name.as_str())) else {
                panic!("{name} is read but .env.example does not show it");
            };
            // The comment above it, or above the settings it is listed with.
            let above = lines[..at].iter().rev().find(|line| variable(line).is_none());
            assert!(
                above.is_some_and(|line| line.starts_with('#') && line.len() > 2),
                "{name} in .env.example has no comment above it"
            );
        }
        for line in &lines {
            if let Some(name) = variable(line) {
                assert!(read.contains(&name), ".env.example shows {name}, which nothing reads");
            }
        }
    }
}
