//! Every address a person gives the bot — a programme, a transcript or an
//! FAQ to import, a programme to keep in sync with — is fetched by one
//! [`Fetcher`], which reaches only the public internet: a name is resolved
//! and every address it gives is checked before a connection is made, an
//! address written as a number is checked as written, and each redirect is
//! checked the same way. Loopback, private, link-local, unique-local,
//! shared, multicast and unspecified addresses are refused, unless the
//! operator allows the host or range (`EMCEE_FETCH_ALLOW`).
//!
//! A refusal says why once and the same way for every such address, so it
//! tells nothing of what is listening inside. The operator's own terminal
//! commands (`emcee schedule import`, …) fetch with [`Fetcher::operator`],
//! which allows everything: the operator is inside already.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// How many redirects one fetch follows.
const MAX_REDIRECTS: usize = 10;

/// The one refusal, whatever the address was.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "it points inside a private network (a loopback, private, link-local or multicast address), \
     which emcee does not fetch from; an operator can allow the host with EMCEE_FETCH_ALLOW"
)]
pub struct Refused;

/// A host or range the operator allows, from `EMCEE_FETCH_ALLOW`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowance {
    /// A name, matched whole and without case (`schedule.internal`).
    Host(String),
    /// An address range (`10.1.0.0/16`, `127.0.0.1`).
    Range { network: IpAddr, prefix: u8 },
}

/// The addresses the bot may fetch from.
#[derive(Debug, Clone, Default)]
pub struct Fetcher {
    allowed: Arc<Vec<Allowance>>,
    /// Everything allowed: the operator's own commands.
    open: bool,
}

impl Fetcher {
    /// Public addresses only, and what `allow` names: a comma-separated
    /// list of host names, addresses and ranges (`10.0.0.0/8`).
    pub fn allowing(allow: &str) -> Result<Fetcher, String> {
        let mut allowed = Vec::new();
        for item in allow.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            allowed.push(parse_allowance(item)?);
        }
        Ok(Fetcher { allowed: Arc::new(allowed), open: false })
    }

    /// Every address: for what the operator runs in the terminal.
    pub fn operator() -> Fetcher {
        Fetcher { allowed: Arc::default(), open: true }
    }

    /// Whether `address` may be fetched from.
    pub fn may_reach(&self, address: IpAddr) -> bool {
        self.open || is_public(address) || self.allowed.iter().any(|a| a.holds(address))
    }

    fn allows_host(&self, host: &str) -> bool {
        self.open || self.allowed.iter().any(|a| matches!(a, Allowance::Host(h) if h.eq_ignore_ascii_case(host)))
    }

    /// Whether `url`'s host may be asked, as far as it can be told without
    /// resolving it: an address written as a number is checked here; a
    /// name is checked when it is resolved.
    pub fn check(&self, url: &reqwest::Url) -> Result<(), Refused> {
        // The address parser has made `2130706433`, `0x7f.1` and the like
        // the dotted address they stand for.
        let Some(host) = url.host_str() else { return Err(Refused) };
        match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(address) if !self.may_reach(address) => Err(Refused),
            _ => Ok(()),
        }
    }

    /// A client that resolves and redirects through this fetcher's checks.
    pub fn client(&self, timeout: Duration) -> reqwest::Result<reqwest::Client> {
        let redirects = self.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if let Err(refused) = redirects.check(attempt.url()) {
                attempt.error(refused)
            } else {
                attempt.follow()
            }
        });
        let builder = reqwest::Client::builder().timeout(timeout).redirect(policy);
        if self.open {
            return builder.build();
        }
        // A proxy would resolve the name itself, past the checks.
        builder.no_proxy().dns_resolver(Arc::new(Resolver(self.clone()))).build()
    }
}

/// Whether a fetch failed because its address was refused.
pub fn refused(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<Refused>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// Resolves names through the system, keeping the addresses the fetcher may reach.
struct Resolver(Fetcher);

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let fetcher = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let named = fetcher.allows_host(&host);
            let kept: Vec<SocketAddr> = found.into_iter().filter(|a| named || fetcher.may_reach(a.ip())).collect();
            if kept.is_empty() {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn parse_allowance(item: &str) -> Result<Allowance, String> {
    let bad = || {
        format!("EMCEE_FETCH_ALLOW holds `{item}`, which is not a host name, an address or a range such as 10.0.0.0/8")
    };
    let (address, prefix) = match item.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix.parse::<u8>().map_err(|_| bad())?)),
        None => (item, None),
    };
    match address.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(network) => {
            let most = if network.is_ipv4() { 32 } else { 128 };
            let prefix = prefix.unwrap_or(most);
            if prefix > most {
                return Err(bad());
            }
            Ok(Allowance::Range { network, prefix })
        }
        Err(_) if prefix.is_none() && !item.is_empty() && !item.contains(char::is_whitespace) => {
            Ok(Allowance::Host(item.to_ascii_lowercase()))
        }
        Err(_) => Err(bad()),
    }
}

impl Allowance {
    fn holds(&self, address: IpAddr) -> bool {
        let Allowance::Range { network, prefix } = self else { return false };
        match (network, unmapped(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => within(u32::from(*network), u32::from(address), *prefix, 32),
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                within(u128::from(*network), u128::from(address), *prefix, 128)
            }
            _ => false,
        }
    }
}

/// Whether `address` is in the range of `prefix` leading bits of `network`.
fn within<T>(network: T, address: T, prefix: u8, bits: u8) -> bool
where
    T: Copy + std::ops::BitXor<Output = T> + std::ops::Shr<u32, Output = T> + PartialEq + From<u8>,
{
    if prefix == 0 {
        return true;
    }
    ((network ^ address) >> u32::from(bits - prefix)) == T::from(0)
}

/// An IPv6 address that carries an IPv4 one (`::ffff:127.0.0.1`) as that address.
fn unmapped(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
        v4 => v4,
    }
}

/// Whether `address` is on the public internet: not loopback, private,
/// link-local, unique-local, shared (carrier-grade NAT), multicast,
/// broadcast, documentation or unspecified.
pub fn is_public(address: IpAddr) -> bool {
    match unmapped(address) {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(a: Ipv4Addr) -> bool {
    let [first, second, third, _] = a.octets();
    !(a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_multicast()
        || a.is_broadcast()
        || a.is_documentation()
        || a.is_unspecified()
        || first == 0
        // Shared address space, RFC 6598.
        || (first == 100 && (64..128).contains(&second))
        // IETF protocol assignments, RFC 6890.
        || (first == 192 && second == 0 && third == 0)
        // Benchmarking, RFC 2544.
        || (first == 198 && (18..20).contains(&second))
        // Reserved, RFC 1112.
        || first >= 240)
}

fn public_v6(a: Ipv6Addr) -> bool {
    let first = a.segments()[0];
    if let Some(v4) = a.to_ipv4() {
        // IPv4-compatible (`::a.b.c.d`), deprecated: as the IPv4 address.
        if a.segments()[..6].iter().all(|&s| s == 0) && !a.is_loopback() && !a.is_unspecified() {
            return public_v4(v4);
        }
    }
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        // Unique local, fc00::/7.
        || (first & 0xfe00) == 0xfc00
        // Link local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Site local (deprecated), fec0::/10.
        || (first & 0xffc0) == 0xfec0
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && a.segments()[1] == 0x0db8)
        // NAT64 (64:ff9b::/96) reaches IPv4 addresses: as those.
        || (first == 0x0064 && a.segments()[1] == 0xff9b && !public_v4(Ipv4Addr::from(u128::from(a) as u32)))
        // 6to4 (2002::/16) embeds an IPv4 address.
        || (first == 0x2002 && !public_v4(Ipv4Addr::new(
            (a.segments()[1] >> 8) as u8,
            a.segments()[1] as u8,
            (a.segments()[2] >> 8) as u8,
            a.segments()[2] as u8,
        ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    #[test]
    fn addresses_inside_are_refused_however_they_are_written() {
        let fetcher = Fetcher::default();
        for inside in [
            "http://127.0.0.1:5432/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://0.0.0.0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[ff02::1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:c0a8:101::1]/",
        ] {
            assert!(fetcher.check(&url(inside)).is_err(), "{inside} was let through");
        }
        for outside in
            ["https://1.1.1.1/", "http://93.184.215.14/x", "http://[2606:4700:4700::1111]/", "https://example.org/"]
        {
            assert!(fetcher.check(&url(outside)).is_ok(), "{outside} was refused");
        }
    }

    #[test]
    fn the_operator_allows_hosts_and_ranges() {
        let fetcher = Fetcher::allowing("schedule.internal, 10.1.0.0/16 ,127.0.0.1,[fd00::]/8").unwrap();
        assert!(fetcher.check(&url("http://10.1.200.3/")).is_ok());
        assert!(fetcher.check(&url("http://10.2.0.1/")).is_err());
        assert!(fetcher.check(&url("http://127.0.0.1:8080/")).is_ok());
        assert!(fetcher.check(&url("http://127.0.0.2/")).is_err());
        assert!(fetcher.check(&url("http://[fd12::1]/")).is_ok());
        assert!(fetcher.allows_host("Schedule.Internal"));
        assert!(Fetcher::operator().check(&url("http://127.0.0.1/")).is_ok());
        for bad in ["10.0.0.0/33", "a b", "10.0.0.0/x", "host/8"] {
            let error = Fetcher::allowing(bad).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
    }
}
