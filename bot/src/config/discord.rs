//! The Discord adapter's settings: its secrets under Discord's own names,
//! organiser roles, announcement channels, and the gateway shards this
//! replica runs.

use anyhow::{Context as _, bail};

use super::{Host, IdList, Raw, secret};

/// The Discord adapter's settings; the secrets keep Discord's own names.
#[derive(Clone)]
pub struct DiscordSettings {
    /// `DISCORD_TOKEN`: turns the gateway on, and registers commands.
    pub token: Option<String>,
    /// `DISCORD_APPLICATION_ID`.
    pub application_id: Option<u64>,
    /// `DISCORD_PUBLIC_KEY` (hex): turns the HTTP interactions route on.
    pub public_key: Option<String>,
    /// Role ids whose members are organisers.
    pub organiser_roles: Vec<u64>,
    /// Channel ids announcements are posted to.
    pub channels: Vec<u64>,
    /// The gateway shards this replica runs: first, last (inclusive) and total.
    pub shards: Option<(u32, u32, u32)>,
    /// `EMCEE_DISCORD_KEYNOTE_GUILD`: the server whose scheduled events show the keynotes.
    pub keynote_guild: Option<u64>,
    /// `EMCEE_DISCORD_KEYNOTE_KINDS`: the session types and tracks that are keynotes.
    pub keynote_kinds: Vec<String>,
    /// `EMCEE_DISCORD_DM_RATE`: direct-message requests a second, kept
    /// within Discord's limit on all of a bot's requests, shared among the
    /// replicas that hold the token.
    pub dm_rate: f64,
    /// `EMCEE_DISCORD_REPLICAS`: how many replicas hold the token, and this one's index among them.
    pub replicas: u32,
    pub ordinal: u32,
    /// `EMCEE_DISCORD_HELP_CHANNEL`: where questions `/ask` could not answer go, for organisers to answer.
    pub help_channel: Option<u64>,
}

/// Discord's limit on a bot's requests a second, across all routes.
pub const DEFAULT_DM_RATE: f64 = 50.0;
/// The session type or track that is a keynote when `EMCEE_DISCORD_KEYNOTE_KINDS` is unset.
pub const DEFAULT_KEYNOTE_KIND: &str = "Keynote";
/// The slowest direct messages may go: one a second.
const MIN_DM_RATE: f64 = 1.0;

impl Default for DiscordSettings {
    fn default() -> DiscordSettings {
        DiscordSettings {
            token: None,
            application_id: None,
            public_key: None,
            organiser_roles: Vec::new(),
            channels: Vec::new(),
            shards: None,
            keynote_guild: None,
            keynote_kinds: vec![String::from(DEFAULT_KEYNOTE_KIND)],
            dm_rate: DEFAULT_DM_RATE,
            replicas: 1,
            ordinal: 0,
            help_channel: None,
        }
    }
}

impl std::fmt::Debug for DiscordSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordSettings")
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("application_id", &self.application_id)
            .field("public_key", &self.public_key)
            .field("organiser_roles", &self.organiser_roles)
            .field("channels", &self.channels)
            .field("shards", &self.shards)
            .field("keynote_guild", &self.keynote_guild)
            .field("keynote_kinds", &self.keynote_kinds)
            .field("dm_rate", &self.dm_rate)
            .field("replicas", &self.replicas)
            .field("ordinal", &self.ordinal)
            .field("help_channel", &self.help_channel)
            .finish()
    }
}

pub(super) fn discord_settings(raw: &Raw, host: &Host) -> anyhow::Result<DiscordSettings> {
    let token = secret(&raw.discord_token);
    let application_id = match secret(&raw.discord_application_id) {
        None => None,
        Some(id) => Some(id.parse::<u64>().ok().filter(|&id| id != 0).with_context(|| {
            format!(
                "DISCORD_APPLICATION_ID is `{id}`; it is the number on the Developer Portal's General Information page"
            )
        })?),
    };
    let public_key = secret(&raw.discord_public_key);
    if let Some(key) = &public_key
        && (key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        bail!(
            "DISCORD_PUBLIC_KEY should be 64 hexadecimal digits (Developer Portal → General Information → Public Key)"
        );
    }
    if public_key.is_some() && application_id.is_none() {
        bail!("DISCORD_PUBLIC_KEY is set but DISCORD_APPLICATION_ID is not; HTTP interactions need both");
    }
    let ids = |name: &str, list: &IdList| -> anyhow::Result<Vec<u64>> {
        list.clone()
            .into_vec()
            .iter()
            .map(|id| {
                id.parse::<u64>().with_context(|| format!("{name} holds `{id}`, which is not a Discord id (a number)"))
            })
            .collect()
    };
    let organiser_roles = ids("EMCEE_DISCORD_ORGANISER_ROLES", &raw.discord_organiser_roles)?;
    let channels = ids("EMCEE_DISCORD_CHANNELS", &raw.discord_channels)?;
    if !channels.is_empty() && token.is_none() {
        bail!("EMCEE_DISCORD_CHANNELS is set for announcements, but posting them needs DISCORD_TOKEN");
    }
    let help_channel =
        match ids("EMCEE_DISCORD_HELP_CHANNEL", &IdList::Text(raw.discord_help_channel.clone().unwrap_or_default()))?
            .as_slice()
        {
            [] => None,
            [channel] if token.is_some() => Some(*channel),
            [_] => bail!("EMCEE_DISCORD_HELP_CHANNEL is set, but posting questions there needs DISCORD_TOKEN"),
            _ => bail!("EMCEE_DISCORD_HELP_CHANNEL holds more than one channel id; give one"),
        };
    let shards = match raw.discord_shard_total {
        None => None,
        Some(total) => {
            let replicas = raw.discord_replicas.max(1);
            if total < replicas {
                bail!(
                    "EMCEE_DISCORD_SHARD_TOTAL is {total} but EMCEE_DISCORD_REPLICAS is {replicas}; each replica needs a shard"
                );
            }
            let ordinal = match raw.replica_ordinal {
                Some(ordinal) => ordinal,
                None => ordinal_from_hostname(host.hostname.as_deref()).unwrap_or(0),
            };
            if ordinal >= replicas {
                bail!(
                    "EMCEE_REPLICA_ORDINAL is {ordinal}, but there are only {replicas} replicas (EMCEE_DISCORD_REPLICAS)"
                );
            }
            Some(shard_range(ordinal, replicas, total))
        }
    };
    let keynote_guild = match raw.discord_keynote_guild.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => None,
        Some(guild) => Some(guild.parse::<u64>().ok().filter(|&g| g != 0).with_context(|| {
            format!(
                "EMCEE_DISCORD_KEYNOTE_GUILD is `{guild}`; it is the server's id (Server Settings → Widget → Server ID)"
            )
        })?),
    };
    if keynote_guild.is_some() && token.is_none() {
        bail!("EMCEE_DISCORD_KEYNOTE_GUILD is set for keynote events, but making them needs DISCORD_TOKEN");
    }
    let mut keynote_kinds = raw.discord_keynote_kinds.clone().into_names();
    if keynote_kinds.is_empty() {
        keynote_kinds.push(String::from(DEFAULT_KEYNOTE_KIND));
    }
    let dm_rate = raw.discord_dm_rate;
    if !dm_rate.is_finite() || dm_rate < MIN_DM_RATE {
        bail!(
            "EMCEE_DISCORD_DM_RATE is {dm_rate}; it is requests a second, at least {MIN_DM_RATE} (Discord allows a bot 50)"
        );
    }
    let replicas = raw.discord_replicas.max(1);
    let ordinal =
        raw.replica_ordinal.or_else(|| ordinal_from_hostname(host.hostname.as_deref())).unwrap_or(0) % replicas;
    Ok(DiscordSettings {
        replicas,
        ordinal,
        token,
        application_id,
        public_key,
        organiser_roles,
        channels,
        shards,
        keynote_guild,
        keynote_kinds,
        dm_rate,
        help_channel,
    })
}

/// The shards replica `ordinal` of `replicas` runs: a contiguous share of
/// `total`, the first replicas taking one more when it does not divide.
pub fn shard_range(ordinal: u32, replicas: u32, total: u32) -> (u32, u32, u32) {
    let base = total / replicas;
    let extra = total % replicas;
    let first = ordinal * base + ordinal.min(extra);
    let count = base + u32::from(ordinal < extra);
    (first, first + count - 1, total)
}

/// A StatefulSet names its pods `NAME-0`, `NAME-1`, …
fn ordinal_from_hostname(host: Option<&str>) -> Option<u32> {
    host?.rsplit_once('-')?.1.parse().ok()
}
