//! NetworkTopologyStrategy placement: per datacenter, walk the ring clockwise taking hosts
//! on racks not used yet; hosts met on an already-used rack are set aside and taken (in the
//! order met) once every rack of the datacenter holds a replica, as Cassandra does.
//!
//! The list order is the Python driver's: replicas grouped by datacenter, datacenters in
//! order of first appearance on the ring, hosts in the order they were chosen. The sets are
//! Cassandra's (`NetworkTopologyStrategy.calculateNaturalReplicas` accepts the same first
//! `rf - racks` rack repeats).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::cluster::ring::RingHost;

/// Datacenter and rack layout of a ring, precomputed once per replica-map build.
pub(super) struct Topology {
    /// For each datacenter that owns tokens, in order of first appearance on the ring:
    /// its wanted replica count and its ring positions.
    dcs: Vec<DcLayout>,
    /// Rack id (unique across datacenters) of each host index.
    host_rack: Vec<usize>,
}

struct DcLayout {
    rf: usize,
    positions: Vec<usize>,
    racks: usize,
    hosts: usize,
}

impl Topology {
    /// Lays out the ring for the wanted per-datacenter replica counts.
    pub(super) fn new<H>(
        hosts: &[RingHost<H>],
        owners: &[usize],
        factors: &BTreeMap<String, usize>,
    ) -> Self {
        let mut dc_ids: BTreeMap<&str, usize> = BTreeMap::new();
        let mut rack_ids: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut host_rack = vec![usize::MAX; hosts.len()];
        let mut host_seen = vec![false; hosts.len()];
        let mut dcs: Vec<DcLayout> = Vec::new();
        let mut dc_racks: Vec<Vec<usize>> = Vec::new();
        for (position, &owner) in owners.iter().enumerate() {
            let Some(host) = hosts.get(owner) else {
                continue;
            };
            let dc_name = host.datacenter.as_str();
            let next_dc = dc_ids.len();
            let dc = *dc_ids.entry(dc_name).or_insert(next_dc);
            if dc == next_dc {
                dcs.push(DcLayout {
                    rf: factors.get(dc_name).copied().unwrap_or(0),
                    positions: Vec::new(),
                    racks: 0,
                    hosts: 0,
                });
                dc_racks.push(Vec::new());
            }
            let next_rack = rack_ids.len();
            let rack = *rack_ids
                .entry((dc_name, host.rack.as_str()))
                .or_insert(next_rack);
            if let (Some(layout), Some(racks)) = (dcs.get_mut(dc), dc_racks.get_mut(dc)) {
                layout.positions.push(position);
                if !racks.contains(&rack) {
                    racks.push(rack);
                    layout.racks += 1;
                }
                if let Some(seen) = host_seen.get_mut(owner) {
                    if !*seen {
                        *seen = true;
                        layout.hosts += 1;
                    }
                }
            }
            if let Some(slot) = host_rack.get_mut(owner) {
                *slot = rack;
            }
        }
        Self { dcs, host_rack }
    }

    /// Computes the replicas of every ring position, calling `emit` once per position in
    /// order with its replica list.
    pub(super) fn for_each_position(&self, owners: &[usize], mut emit: impl FnMut(&[usize])) {
        let mut cursors = vec![0usize; self.dcs.len()];
        let mut replicas: Vec<usize> = Vec::new();
        let mut skipped: Vec<usize> = Vec::new();
        let mut racks_placed: Vec<usize> = Vec::new();
        for position in 0..owners.len() {
            replicas.clear();
            for (dc, cursor) in self.dcs.iter().zip(cursors.iter_mut()) {
                if dc.rf == 0 {
                    continue;
                }
                // First position of this datacenter at or after `position` (positions grow
                // with `position`, so the cursor only moves forward).
                while dc.positions.get(*cursor).is_some_and(|&p| p < position) {
                    *cursor += 1;
                }
                let count = dc.positions.len();
                let mut remaining = dc.rf.min(dc.hosts);
                skipped.clear();
                racks_placed.clear();
                for step in 0..count {
                    if remaining == 0 {
                        break;
                    }
                    let Some(&host) = dc
                        .positions
                        .get((*cursor + step) % count)
                        .and_then(|&p| owners.get(p))
                    else {
                        continue;
                    };
                    if replicas.contains(&host) {
                        continue;
                    }
                    let rack = self.host_rack.get(host).copied().unwrap_or(usize::MAX);
                    if racks_placed.contains(&rack) && racks_placed.len() < dc.racks {
                        if !skipped.contains(&host) {
                            skipped.push(host);
                        }
                        continue;
                    }
                    replicas.push(host);
                    remaining -= 1;
                    if !racks_placed.contains(&rack) {
                        racks_placed.push(rack);
                    }
                    if racks_placed.len() == dc.racks {
                        drain(&mut skipped, &mut replicas, &mut remaining);
                    }
                }
                drain(&mut skipped, &mut replicas, &mut remaining);
            }
            emit(&replicas);
        }
    }
}

/// Takes set-aside hosts, in the order met, while replicas are still wanted.
fn drain(skipped: &mut Vec<usize>, replicas: &mut Vec<usize>, remaining: &mut usize) {
    for &host in skipped.iter() {
        if *remaining == 0 {
            break;
        }
        replicas.push(host);
        *remaining -= 1;
    }
    skipped.clear();
}
