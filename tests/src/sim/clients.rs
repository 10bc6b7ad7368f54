//! The client connections a node has open, as `system_views.clients` lists them (one row
//! per connection, as Cassandra 4.1's `ClientsTable` shows its `ConnectedClient`s).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What a node knows of one open connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedClient {
    /// The client's address and port.
    pub address: SocketAddr,
    /// The user logged in (`anonymous` when the node asks for no authentication).
    pub username: Option<String>,
    /// `established`, `authenticating` or `ready` (Cassandra's `ConnectionStage`).
    pub stage: &'static str,
    /// The protocol version, once STARTUP was accepted.
    pub protocol_version: Option<u8>,
    /// The STARTUP options, names upper-cased as Cassandra reads them.
    pub options: Option<BTreeMap<String, String>>,
    /// Requests received on the connection.
    pub request_count: u64,
    /// The TLS protocol and cipher suite, in Java's names, when the connection is TLS.
    pub ssl: Option<(String, String)>,
}

impl ConnectedClient {
    /// A STARTUP option (`DRIVER_NAME`, `DRIVER_VERSION`, ...).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.as_ref()?.get(name).map(String::as_str)
    }
}

#[derive(Debug, Default)]
struct Registry {
    next: AtomicU64,
    clients: Mutex<BTreeMap<u64, ConnectedClient>>,
}

/// A node's open connections; clones share them.
#[derive(Debug, Clone, Default)]
pub struct ConnectedClients(Arc<Registry>);

// The connections are not part of a node's identity: two views of a node compare equal
// whatever is connected.
impl PartialEq for ConnectedClients {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ConnectedClients {}

impl ConnectedClients {
    /// Registers a new connection (stage `established`); it is listed until the handle is
    /// dropped.
    pub fn connect(&self, address: SocketAddr, ssl: Option<(String, String)>) -> ClientHandle {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        let client = ConnectedClient {
            address,
            username: None,
            stage: "established",
            protocol_version: None,
            options: None,
            request_count: 0,
            ssl,
        };
        self.lock().insert(id, client);
        ClientHandle {
            clients: self.clone(),
            id,
        }
    }

    /// The open connections, by address and port.
    pub fn list(&self) -> Vec<ConnectedClient> {
        let mut out: Vec<ConnectedClient> = self.lock().values().cloned().collect();
        out.sort_by_key(|c| (c.address.ip(), c.address.port()));
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, ConnectedClient>> {
        self.0
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One registered connection; dropping it removes the connection from the list.
#[derive(Debug)]
pub struct ClientHandle {
    clients: ConnectedClients,
    id: u64,
}

impl ClientHandle {
    /// Changes what is listed for the connection.
    pub fn update(&self, f: impl FnOnce(&mut ConnectedClient)) {
        if let Some(c) = self.clients.lock().get_mut(&self.id) {
            f(c);
        }
    }
}

impl Drop for ClientHandle {
    fn drop(&mut self) {
        self.clients.lock().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_while_open() {
        let clients = ConnectedClients::default();
        let a = clients.connect("127.0.0.1:5000".parse().unwrap(), None);
        let b = clients.connect("127.0.0.1:4000".parse().unwrap(), None);
        a.update(|c| c.request_count += 2);
        let list = clients.clone().list();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].address.port(), 4000);
        assert_eq!(list[1].request_count, 2);
        drop(b);
        assert_eq!(clients.list().len(), 1);
        drop(a);
        assert!(clients.list().is_empty());
    }
}
