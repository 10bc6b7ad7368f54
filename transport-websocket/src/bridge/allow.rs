//! The target allow-list: which `host:port` a client may ask the bridge to dial.
//!
//! Entries are exact (`db1.internal:9042`, `10.0.0.5:9042`, `[::1]:9042`) or IP ranges
//! with a port or port range (`10.0.0.0/8:9042`, `10.1.0.0/16:9042-9044`,
//! `[fd00::/8]:9042`). Ranges match IP-literal targets only: a host name is never
//! resolved to check a range, so DNS cannot widen the list.

use std::fmt;
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::str::FromStr;

use cql_core::runtime::NodeAddr;

use crate::address_map::in_network;

/// One allow-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRule {
    /// Exactly this host (case-insensitive; IPs compared as addresses) and port.
    Exact {
        /// Host name or IP address.
        host: String,
        /// Port.
        port: u16,
    },
    /// Any IP address in `network/prefix` on a port in `ports`.
    Range {
        /// The network address.
        network: IpAddr,
        /// The prefix length in bits.
        prefix: u8,
        /// The allowed ports.
        ports: RangeInclusive<u16>,
    },
}

impl TargetRule {
    /// Whether `target` matches this rule.
    pub fn allows(&self, target: &NodeAddr) -> bool {
        let target_ip = target
            .host
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ip.to_canonical());
        match self {
            Self::Exact { host, port } => {
                if *port != target.port {
                    return false;
                }
                match (host.parse::<IpAddr>(), target_ip) {
                    (Ok(ip), Some(t)) => ip.to_canonical() == t,
                    (Ok(_), None) | (Err(_), Some(_)) => false,
                    (Err(_), None) => host.eq_ignore_ascii_case(&target.host),
                }
            }
            Self::Range {
                network,
                prefix,
                ports,
            } => {
                ports.contains(&target.port)
                    && target_ip.is_some_and(|ip| in_network(ip, *network, *prefix))
            }
        }
    }
}

impl FromStr for TargetRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!(
                "bad target rule `{s}`: {why} (expected host:port, net/len:port or net/len:port-port)"
            )
        };
        let s = s.trim();
        let (host, ports) = if let Some(rest) = s.strip_prefix('[') {
            let (h, after) = rest.split_once(']').ok_or_else(|| bad("unbalanced `[`"))?;
            (
                h,
                after.strip_prefix(':').ok_or_else(|| bad("missing port"))?,
            )
        } else {
            let (h, p) = s.rsplit_once(':').ok_or_else(|| bad("missing port"))?;
            if h.contains(':') {
                return Err(bad("write IPv6 in brackets"));
            }
            (h, p)
        };
        let port = |p: &str| {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("bad port"))
        };
        if let Some((net, len)) = host.split_once('/') {
            let network: IpAddr = net
                .parse()
                .map_err(|_| bad("a range needs an IP network"))?;
            let max = if network.is_ipv4() { 32 } else { 128 };
            let prefix = len
                .parse::<u8>()
                .ok()
                .filter(|l| *l <= max)
                .ok_or_else(|| bad("bad prefix length"))?;
            let ports = match ports.split_once('-') {
                Some((lo, hi)) => {
                    let (lo, hi) = (port(lo)?, port(hi)?);
                    if lo > hi {
                        return Err(bad("empty port range"));
                    }
                    lo..=hi
                }
                None => {
                    let p = port(ports)?;
                    p..=p
                }
            };
            return Ok(Self::Range {
                network,
                prefix,
                ports,
            });
        }
        if host.is_empty() || host.contains(['/', '*', '?', '#', '@', ' ']) {
            return Err(bad("bad host"));
        }
        Ok(Self::Exact {
            host: host.to_string(),
            port: port(ports)?,
        })
    }
}

impl fmt::Display for TargetRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact { host, port } => write!(f, "{}", NodeAddr::new(host.clone(), *port)),
            Self::Range {
                network,
                prefix,
                ports,
            } => {
                let net = match network {
                    IpAddr::V6(_) => format!("[{network}/{prefix}]"),
                    IpAddr::V4(_) => format!("{network}/{prefix}"),
                };
                if ports.start() == ports.end() {
                    write!(f, "{net}:{}", ports.start())
                } else {
                    write!(f, "{net}:{}-{}", ports.start(), ports.end())
                }
            }
        }
    }
}

/// The targets the bridge may dial. Empty: nothing is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetAllowList {
    rules: Vec<TargetRule>,
}

impl TargetAllowList {
    /// An allow-list of `rules`.
    pub fn new(rules: Vec<TargetRule>) -> Self {
        Self { rules }
    }

    /// Parses each entry ([`TargetRule`]'s syntax).
    ///
    /// # Errors
    /// The first entry that does not parse.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| e.as_ref().parse())
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    /// Adds a rule.
    pub fn push(&mut self, rule: TargetRule) {
        self.rules.push(rule);
    }

    /// The rules.
    pub fn rules(&self) -> &[TargetRule] {
        &self.rules
    }

    /// Whether `target` may be dialled.
    pub fn allows(&self, target: &NodeAddr) -> bool {
        self.rules.iter().any(|r| r.allows(target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let list = TargetAllowList::parse(&[
            "127.0.0.1:9042",
            "DB1.internal:9042",
            "10.1.0.0/16:9042-9044",
            "[fd00::/8]:9042",
            "[::1]:9142",
        ])
        .unwrap();
        let ok = |h: &str, p| list.allows(&NodeAddr::new(h, p));
        assert!(ok("127.0.0.1", 9042));
        assert!(!ok("127.0.0.1", 9043));
        assert!(!ok("127.0.0.2", 9042));
        assert!(ok("db1.INTERNAL", 9042));
        assert!(!ok("db2.internal", 9042));
        assert!(ok("10.1.255.3", 9044));
        assert!(!ok("10.1.255.3", 9045));
        assert!(!ok("10.2.0.1", 9042));
        assert!(ok("fd12::1", 9042));
        assert!(ok("0:0::1", 9142));
        assert!(ok("::ffff:127.0.0.1", 9042));
        assert!(!ok("localhost", 9042));
        assert!(TargetAllowList::default().rules().is_empty());
        assert!(!TargetAllowList::default().allows(&NodeAddr::new("127.0.0.1", 9042)));
        for r in list.rules() {
            assert_eq!(r.to_string().parse::<TargetRule>().unwrap(), *r);
        }
        let all = TargetAllowList::parse(&["0.0.0.0/0:1-65535"]).unwrap();
        assert!(all.allows(&NodeAddr::new("1.2.3.4", 5)));
        for bad in [
            "",
            "h",
            "h:0",
            "h:x",
            "::1:9042",
            "10.0.0.0/33:1",
            "h/8:1",
            "10.0.0.0/8:5-4",
            "*:1",
            "[::1:1",
        ] {
            assert!(bad.parse::<TargetRule>().is_err(), "{bad}");
        }
    }
}
