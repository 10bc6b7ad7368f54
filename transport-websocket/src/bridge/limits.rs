//! Connection counting, in two pools that never share slots:
//!
//! * **handshakes** — connections not yet admitted (TLS, the upgrade request, a refusal
//!   being sent), counted in total and per source IP from TCP accept on. Over either
//!   limit the socket is dropped at once, so slow or refused clients cannot take what
//!   authenticated ones need.
//! * **tunnels** — admitted connections (the token checked), counted in total and per
//!   client (token subject, or IP for anonymous clients).
//!
//! Guards give their slot back when dropped.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::protocol::CloseReason;

use super::Limits;

#[derive(Debug, Default)]
struct Counts {
    tunnels: usize,
    per_client: HashMap<String, usize>,
    handshakes: usize,
    handshakes_per_ip: HashMap<IpAddr, usize>,
}

/// The limits in force; atomics so a configuration reload changes them for the
/// connections that follow.
#[derive(Debug)]
struct Maxima {
    tunnels: AtomicUsize,
    per_client: AtomicUsize,
    handshakes: AtomicUsize,
    handshakes_per_ip: AtomicUsize,
}

/// Counts handshakes and tunnels against the limits.
#[derive(Debug)]
pub(crate) struct Limiter {
    counts: Mutex<Counts>,
    max: Maxima,
}

/// Why a new connection got no handshake slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandshakeRefusal {
    /// This source address already has its share of handshakes in progress.
    PerIp,
    /// The bridge has its total of handshakes in progress.
    Total,
}

impl Limiter {
    pub(crate) fn new(limits: &Limits) -> Arc<Self> {
        let limiter = Arc::new(Self {
            counts: Mutex::new(Counts::default()),
            max: Maxima {
                tunnels: AtomicUsize::new(0),
                per_client: AtomicUsize::new(0),
                handshakes: AtomicUsize::new(0),
                handshakes_per_ip: AtomicUsize::new(0),
            },
        });
        limiter.set_limits(limits);
        limiter
    }

    /// Changes the limits for connections counted from now on (open ones stay).
    pub(crate) fn set_limits(&self, limits: &Limits) {
        let m = &self.max;
        m.tunnels.store(limits.max_connections, Ordering::Relaxed);
        m.per_client
            .store(limits.max_connections_per_client, Ordering::Relaxed);
        m.handshakes.store(limits.max_handshakes, Ordering::Relaxed);
        m.handshakes_per_ip
            .store(limits.max_handshakes_per_ip, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a handshake slot for a connection from `ip` (at TCP accept).
    pub(crate) fn handshake(
        self: &Arc<Self>,
        ip: IpAddr,
    ) -> Result<HandshakeGuard, HandshakeRefusal> {
        let mut c = self.lock();
        let per_ip = c.handshakes_per_ip.get(&ip).copied().unwrap_or(0);
        if per_ip >= self.max.handshakes_per_ip.load(Ordering::Relaxed) {
            return Err(HandshakeRefusal::PerIp);
        }
        if c.handshakes >= self.max.handshakes.load(Ordering::Relaxed) {
            return Err(HandshakeRefusal::Total);
        }
        c.handshakes += 1;
        *c.handshakes_per_ip.entry(ip).or_insert(0) += 1;
        Ok(HandshakeGuard(self.clone(), ip))
    }

    /// Takes a tunnel slot of the total and of `client`'s share (after authentication).
    ///
    /// # Errors
    /// [`CloseReason::BridgeFull`] or [`CloseReason::ClientLimit`].
    pub(crate) fn tunnel(self: &Arc<Self>, client: &str) -> Result<TunnelGuard, CloseReason> {
        let mut c = self.lock();
        if c.tunnels >= self.max.tunnels.load(Ordering::Relaxed) {
            return Err(CloseReason::BridgeFull);
        }
        let mine = c.per_client.get(client).copied().unwrap_or(0);
        if mine >= self.max.per_client.load(Ordering::Relaxed) {
            return Err(CloseReason::ClientLimit);
        }
        c.tunnels += 1;
        *c.per_client.entry(client.to_string()).or_insert(0) += 1;
        Ok(TunnelGuard(self.clone(), client.to_string()))
    }

    /// Open tunnels (admitted connections).
    pub(crate) fn tunnels(&self) -> usize {
        self.lock().tunnels
    }

    /// Connections not yet admitted or being refused.
    pub(crate) fn handshakes(&self) -> usize {
        self.lock().handshakes
    }
}

/// A handshake slot (total and per source IP).
pub(crate) struct HandshakeGuard(Arc<Limiter>, IpAddr);

impl Drop for HandshakeGuard {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        c.handshakes = c.handshakes.saturating_sub(1);
        if let Some(n) = c.handshakes_per_ip.get_mut(&self.1) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.handshakes_per_ip.remove(&self.1);
            }
        }
    }
}

/// A tunnel slot (total and per client).
pub(crate) struct TunnelGuard(Arc<Limiter>, String);

impl Drop for TunnelGuard {
    fn drop(&mut self) {
        let mut c = self.0.lock();
        c.tunnels = c.tunnels.saturating_sub(1);
        if let Some(n) = c.per_client.get_mut(&self.1) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.per_client.remove(&self.1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(tunnels: usize, per_client: usize, handshakes: usize, per_ip: usize) -> Limits {
        Limits {
            max_connections: tunnels,
            max_connections_per_client: per_client,
            max_handshakes: handshakes,
            max_handshakes_per_ip: per_ip,
            ..Limits::default()
        }
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3));

    #[test]
    fn tunnels_count_in_total_and_per_client() {
        let l = Limiter::new(&limits(2, 1, 10, 10));
        let web = l.tunnel("web").unwrap();
        assert_eq!(l.tunnel("web").err(), Some(CloseReason::ClientLimit));
        let other = l.tunnel("other").unwrap();
        assert_eq!(l.tunnel("third").err(), Some(CloseReason::BridgeFull));
        assert_eq!(l.tunnels(), 2);
        drop(web);
        assert!(l.tunnel("web").is_ok());
        drop(other);
    }

    #[test]
    fn handshakes_are_capped_per_ip_and_in_total_apart_from_tunnels() {
        let l = Limiter::new(&limits(1, 1, 3, 2));
        let a1 = l.handshake(A).unwrap();
        let _a2 = l.handshake(A).unwrap();
        assert_eq!(l.handshake(A).err(), Some(HandshakeRefusal::PerIp));
        let _b1 = l.handshake(B).unwrap();
        assert_eq!(l.handshake(B).err(), Some(HandshakeRefusal::Total));
        assert_eq!(l.handshakes(), 3);
        // Handshakes in progress take nothing from the tunnels.
        let t = l.tunnel("tests").unwrap();
        drop(a1);
        assert!(l.handshake(A).is_ok(), "a released slot comes back");
        drop(t);
        assert_eq!(l.tunnels(), 0);
    }

    #[test]
    fn new_limits_apply_to_later_connections() {
        let l = Limiter::new(&limits(1, 1, 1, 1));
        let t = l.tunnel("x").unwrap();
        let h = l.handshake(A).unwrap();
        assert!(l.tunnel("y").is_err() && l.handshake(B).is_err());
        l.set_limits(&limits(2, 2, 2, 2));
        assert!(l.tunnel("y").is_ok() && l.handshake(B).is_ok());
        drop((t, h));
    }
}
