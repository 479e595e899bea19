// SPDX-License-Identifier: MIT
//! The host driver: Linux's arm-smmu-v3-iommufd.c as released up to 7.3
//! (kernel-facts 3.2 to 3.4), the driver half of nestref's smmuv3-sim
//! under the released profiles.  nestref's core has done its part before
//! any of this runs (docs/spec/protocol.md section 5).

use std::collections::HashMap;

use crate::smmu::{self, Cmd, Features, Smmu};

/// Linux's CMDQ_BATCH_ENTRIES - 1 on arm64: guest commands per host
/// CMD_SYNC (kernel-facts 3.4 step 4).
pub const BATCH: usize = 63;

/// IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 (kernel-facts 2.5) and the
/// size of one command.
pub const INV_TYPE_ARM_SMMUV3: u32 = 1;
pub const CMD_SIZE: usize = 16;

/// An answer other than success: the errno's name, a sentence, and the
/// profile rule that decided it, if one did.
#[derive(Debug, PartialEq)]
pub struct Fail {
    pub errno: &'static str,
    pub message: String,
    pub rule: Option<&'static str>,
}

fn fail(errno: &'static str, message: String) -> Fail {
    Fail {
        errno,
        message,
        rule: None,
    }
}

fn fail_rule(errno: &'static str, rule: &'static str, message: String) -> Fail {
    Fail {
        errno,
        message,
        rule: Some(rule),
    }
}

/// The driver rules of docs/profiles.md that this driver reads from
/// `open`'s `rules` (never from the profile's name).
#[derive(Default, Clone, Debug)]
pub struct Rules {
    pub rfc_user_data: bool,
    pub vdevice_one_stream: bool,
    pub invalidate_whole_array: bool,
    pub strict_commands: bool,
    pub repeat_erratum: bool,
}

impl Rules {
    pub fn from_names<'a>(names: impl Iterator<Item = &'a str>) -> Rules {
        let mut r = Rules::default();
        for name in names {
            match name {
                "rfc-user-data" => r.rfc_user_data = true,
                "vdevice-one-stream" => r.vdevice_one_stream = true,
                "invalidate-whole-array" => r.invalidate_whole_array = true,
                "strict-commands" => r.strict_commands = true,
                "repeat-erratum" => r.repeat_erratum = true,
                _ => {}
            }
        }
        r
    }
}

struct Viommu {
    /// The stage-2 tag: the VMID every TLBI of this vIOMMU gets.
    vmid: u16,
    /// vSID -> the device's object ID (Linux's vdevs xarray).
    vsids: HashMap<u32, u32>,
}

struct Dev {
    psids: Vec<u32>,
}

/// One context's driver state, keyed by the core's object IDs.
pub struct Host {
    pub rules: Rules,
    pub kmalloc_max: u64,
    pub smmu: Smmu,
    viommus: HashMap<u32, Viommu>,
    devs: HashMap<u32, Dev>,
    pub rewrites: u64,
    pub batches: u64,
    pub unknown_vsid: u64,
    pub opcode_refused: u64,
}

/// How far an invalidation got: the errno (if any) and the `entry_num`
/// to write back, None for "unchanged".
pub struct InvResult {
    pub result: Result<(), Fail>,
    pub entry_num: Option<u32>,
}

impl Host {
    pub fn new(rules: Rules, kmalloc_max: u64, features: Features) -> Host {
        Host {
            rules,
            kmalloc_max,
            smmu: Smmu::new(features),
            viommus: HashMap::new(),
            devs: HashMap::new(),
            rewrites: 0,
            batches: 0,
            unknown_vsid: 0,
            opcode_refused: 0,
        }
    }

    /// Without IDR0.VMID16 VMIDs are 8 bits (kernel-facts 4.3).
    pub fn viommu_init(&mut self, id: u32, s2_id: u32) -> Result<(), Fail> {
        let bits = if self.smmu.features.vmid16 { 16 } else { 8 };
        if u64::from(s2_id) >> bits != 0 {
            return Err(fail(
                "EINVAL",
                format!("exec-rust: VMID 0x{:x} needs IDR0.VMID16", s2_id),
            ));
        }
        self.viommus.insert(
            id,
            Viommu {
                vmid: s2_id as u16,
                vsids: HashMap::new(),
            },
        );
        Ok(())
    }

    pub fn viommu_destroy(&mut self, id: u32) {
        self.viommus.remove(&id);
    }

    /// A pSID beyond IDR1.SIDSIZE has no STE (the SMMU could not be told
    /// about the device).
    pub fn dev_init(&mut self, id: u32, psids: Vec<u32>) -> Result<(), Fail> {
        if psids.is_empty() {
            return Err(fail("EINVAL", "exec-rust: a device needs a StreamID".into()));
        }
        let sidsize = self.smmu.features.sidsize;
        for &psid in &psids {
            if sidsize < 32 && u64::from(psid) >> sidsize != 0 {
                return Err(fail(
                    "EINVAL",
                    format!("exec-rust: pSID 0x{:x} does not fit SIDSIZE {}", psid, sidsize),
                ));
            }
        }
        self.devs.insert(id, Dev { psids });
        Ok(())
    }

    pub fn dev_destroy(&mut self, id: u32) {
        self.devs.remove(&id);
        // The core unsets every vDEVICE first; forget stale links anyway.
        for v in self.viommus.values_mut() {
            v.vsids.retain(|_, dev| *dev != id);
        }
    }

    /// The user data {u32 vsid}: the vDEVICE's virtual ID.  Upstream
    /// (kernel-facts 2.9, 3.2): a vSID taken in this vIOMMU is EEXIST, and
    /// under `vdevice-one-stream` a device with other than one StreamID
    /// is EOPNOTSUPP.  Under `rfc-user-data`, the RFC driver (1.6): vSID 0
    /// is EINVAL and a taken vSID EBUSY.  Returns the linked vSID.
    pub fn set_dev_user_data(&mut self, viommu: u32, dev: u32, data: &[u8]) -> Result<u32, Fail> {
        let mut le = [0u8; 4];
        for (i, b) in data.iter().take(4).enumerate() {
            le[i] = *b;
        }
        let vsid = u32::from_le_bytes(le);
        let rfc = self.rules.rfc_user_data;
        let streams = match self.devs.get(&dev) {
            Some(d) => d.psids.len(),
            None => return Err(fail("ENOENT", format!("exec-rust: no device {}", dev))),
        };
        let v = match self.viommus.get_mut(&viommu) {
            Some(v) => v,
            None => return Err(fail("ENOENT", format!("exec-rust: no vIOMMU {}", viommu))),
        };
        if rfc && vsid == 0 {
            return Err(fail_rule(
                "EINVAL",
                "rfc-user-data",
                "exec-rust: vSID 0 is refused".into(),
            ));
        }
        // The virt_id slot is taken before the driver's init runs (2.9).
        if v.vsids.contains_key(&vsid) {
            let message = format!("exec-rust: vSID 0x{:x} is already linked", vsid);
            return Err(if rfc {
                fail_rule("EBUSY", "rfc-user-data", message)
            } else {
                fail("EEXIST", message)
            });
        }
        if self.rules.vdevice_one_stream && streams != 1 {
            return Err(fail_rule(
                "EOPNOTSUPP",
                "vdevice-one-stream",
                format!(
                    "exec-rust: the device has {} StreamIDs; a vSID can name only one",
                    streams
                ),
            ));
        }
        v.vsids.insert(vsid, dev);
        Ok(vsid)
    }

    /// Unlinks the vDEVICE's vSID (the core says which one it recorded).
    pub fn unset_dev_user_data(&mut self, viommu: u32, dev: u32, virt_id: Option<u64>) {
        if let Some(v) = self.viommus.get_mut(&viommu) {
            match virt_id {
                Some(id) => {
                    if id <= u64::from(u32::MAX) && v.vsids.get(&(id as u32)) == Some(&dev) {
                        v.vsids.remove(&(id as u32));
                    }
                }
                None => v.vsids.retain(|_, d| *d != dev),
            }
        }
    }

    /// arm_smmu_hw_info: the Tegra264 flag only from the kernel that
    /// knows the erratum (kernel-facts 3.8).
    pub fn hw_info(&self) -> u32 {
        if self.rules.repeat_erratum && self.smmu.features.repeat_tlbi_cfgi {
            1
        } else {
            0
        }
    }

    /// arm_vsmmu_convert_user_cmd (kernel-facts 3.3) on one guest command,
    /// in place.  Err names what refused it (the call is then EIO).
    pub fn convert(&self, viommu: u32, cmd: &mut Cmd) -> Result<(), &'static str> {
        let v = match self.viommus.get(&viommu) {
            Some(v) => v,
            None => return Err("no such vIOMMU"),
        };
        let vmid = u64::from(v.vmid);
        match smmu::opcode(cmd) {
            smmu::OP_TLBI_NSNH_ALL => {
                // Every VMID's entries, forwarded as it is: replaced by
                // NH_ALL of this vIOMMU's VMID, all other bits dropped.
                *cmd = [u64::from(smmu::OP_TLBI_NH_ALL) | vmid << 32, 0];
                Ok(())
            }
            smmu::OP_TLBI_NH_ALL
            | smmu::OP_TLBI_NH_ASID
            | smmu::OP_TLBI_NH_VA
            | smmu::OP_TLBI_NH_VAA => {
                // dw0[47:32] is the VMID; every other bit passes unchecked.
                cmd[0] = (cmd[0] & !(0xffffu64 << 32)) | vmid << 32;
                Ok(())
            }
            smmu::OP_ATC_INV | smmu::OP_CFGI_CD | smmu::OP_CFGI_CD_ALL => {
                // dw0[63:32] is a vSID: arm_vsmmu_vsid_to_sid (3.2).
                let vsid = (cmd[0] >> 32) as u32;
                let dev = v.vsids.get(&vsid).ok_or("the vSID has no vDEVICE in this vIOMMU (kernel-facts 3.2)")?;
                let psid = self
                    .devs
                    .get(dev)
                    .map(|d| d.psids[0])
                    .ok_or("the vSID's device is gone")?;
                cmd[0] = (cmd[0] & 0xffff_ffff) | u64::from(psid) << 32;
                Ok(())
            }
            _ => Err("opcode not accepted from a guest (kernel-facts 3.3)"),
        }
    }

    /// arm_smmu_cmdq_issue_cmdlist with a sync: the batch, then one host
    /// CMD_SYNC (kernel-facts 3.4 step 4).  False when the wait for the
    /// CMD_SYNC timed out (ETIMEDOUT).
    fn issue(&mut self, batch: &[Cmd]) -> bool {
        let mut q = Vec::with_capacity(batch.len() + 1);
        q.extend_from_slice(batch);
        q.push(smmu::host_sync());
        self.batches += 1;
        self.smmu.consume(&q)
    }

    /// arm_vsmmu_cache_invalidate as released (kernel-facts 3.4).
    /// `copy` is what the core's copy helper gave for the whole array
    /// (docs/spec/protocol.md 4.5): the commands, or its errno.
    pub fn cache_invalidate_user(
        &mut self,
        viommu: u32,
        entry_num: u32,
        base: u32,
        copy: Result<Vec<Cmd>, Fail>,
    ) -> InvResult {
        if self.rules.strict_commands {
            return InvResult {
                result: Err(fail(
                    "EOPNOTSUPP",
                    "exec-rust: the strict series (linux-7.4) is not implemented".into(),
                )),
                entry_num: Some(0),
            };
        }
        // Step 1: the whole array is allocated before anything is copied
        // or checked, the type included; past the largest kmalloc the
        // call fails with entry_num left as the caller gave it.
        let bytes = u64::from(entry_num) * CMD_SIZE as u64;
        if self.rules.invalidate_whole_array && bytes > self.kmalloc_max {
            return InvResult {
                result: Err(fail_rule(
                    "ENOMEM",
                    "invalidate-whole-array",
                    format!(
                        "exec-rust: {} commands need {} bytes, more than the largest kmalloc ({})",
                        entry_num, bytes, self.kmalloc_max
                    ),
                )),
                entry_num: None,
            };
        }
        // Step 2: the full-array copy (wrong type and the empty array
        // EINVAL, a non-zero tail E2BIG, a fault EFAULT): nothing handled.
        let mut cmds = match copy {
            Ok(c) => c,
            Err(f) => {
                return InvResult {
                    result: Err(f),
                    entry_num: Some(0),
                }
            }
        };
        if cmds.len() != entry_num as usize {
            return InvResult {
                result: Err(fail(
                    "EINVAL",
                    format!(
                        "exec-rust: the copy holds {} commands for entry_num {}",
                        cmds.len(),
                        entry_num
                    ),
                )),
                entry_num: Some(0),
            };
        }
        // Steps 3 to 5: convert in order, issue every 63 with a sync.  A
        // refused entry i reports i handled although the batch it ends
        // (entries last..i-1) was never issued: the over-report.
        let n = cmds.len();
        let mut last = 0;
        for cur in 0..n {
            if let Err(why) = self.convert(viommu, &mut cmds[cur]) {
                if why.starts_with("the vSID") {
                    self.unknown_vsid += 1;
                } else {
                    self.opcode_refused += 1;
                }
                return InvResult {
                    result: Err(fail(
                        "EIO",
                        format!("exec-rust: entry {}: {}", u64::from(base) + cur as u64, why),
                    )),
                    entry_num: Some(cur as u32),
                };
            }
            self.rewrites += 1;
            if cur + 1 - last < BATCH && cur + 1 < n {
                continue;
            }
            let batch: Vec<Cmd> = cmds[last..=cur].to_vec();
            if !self.issue(&batch) {
                // An issue failure reports the batch but its last entry
                // as handled (kernel-facts 3.4, 3.10).
                return InvResult {
                    result: Err(fail(
                        "ETIMEDOUT",
                        "exec-rust: the CMD_SYNC poll timed out: the global-error interrupt could not run".to_string(),
                    )),
                    entry_num: Some(cur as u32),
                };
            }
            last = cur + 1;
        }
        InvResult {
            result: Ok(()),
            entry_num: Some(entry_num),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Host {
        let rules = Rules::from_names(
            [
                "one-vdevice-per-device",
                "vdevice-tombstone",
                "vdevice-one-stream",
                "invalidate-bounds",
                "invalidate-whole-array",
            ]
            .iter()
            .copied(),
        );
        let mut h = Host::new(rules, 4 << 20, Features::default());
        h.viommu_init(1, 5).unwrap();
        h.dev_init(2, vec![0x1234]).unwrap();
        assert_eq!(h.set_dev_user_data(1, 2, &[0x99, 0, 0, 0]), Ok(0x99));
        h.smmu.issued_clear();
        h
    }

    /// kernel-facts 4.4, vIOMMU VMID 5, vSID 0x99 to pSID 0x1234.
    #[test]
    fn worked_conversions() {
        let h = host();
        let table: [(Cmd, Cmd); 6] = [
            ([0x30, 0], [0x0000_0005_0000_0010, 0]),
            (
                [0x0012_0077_0000_0012, 0x8000_0001],
                [0x0012_0005_0000_0012, 0x8000_0001],
            ),
            ([0x0012_0000_0000_0011, 0], [0x0012_0005_0000_0011, 0]),
            ([0x0000_0099_0000_0040, 0x34], [0x0000_1234_0000_0040, 0x34]),
            ([0x0000_0099_0000_3005, 1], [0x0000_1234_0000_3005, 1]),
            ([0x0000_0099_0000_0006, 0], [0x0000_1234_0000_0006, 0]),
        ];
        for (guest, want) in table.iter() {
            let mut c = *guest;
            h.convert(1, &mut c).unwrap();
            assert_eq!(c, *want);
        }
        assert!(h.convert(1, &mut [0x0000_0098_0000_0040, 0]).is_err());
        assert!(h.convert(1, &mut [0x0000_0099_0000_0003, 0]).is_err());
    }

    #[test]
    fn taken_vsid_and_streams() {
        let mut h = host();
        h.dev_init(3, vec![0x2000]).unwrap();
        assert_eq!(h.set_dev_user_data(1, 3, &[0x99, 0, 0, 0]).unwrap_err().errno, "EEXIST");
        h.dev_init(4, vec![0x3000, 0x3001]).unwrap();
        let f = h.set_dev_user_data(1, 4, &[0x42, 0, 0, 0]).unwrap_err();
        assert_eq!((f.errno, f.rule), ("EOPNOTSUPP", Some("vdevice-one-stream")));
    }

    /// kernel-facts 3.4's worked examples.
    #[test]
    fn batches_and_over_report() {
        let mut h = host();
        let good = [0x0000_0099_0000_0006u64, 0];
        let r = h.cache_invalidate_user(1, 130, 0, Ok(vec![good; 130]));
        assert!(r.result.is_ok());
        assert_eq!(r.entry_num, Some(130));
        let syncs: Vec<usize> = h
            .smmu
            .issued()
            .iter()
            .enumerate()
            .filter(|(_, c)| smmu::opcode(c) == smmu::OP_CMD_SYNC)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(syncs, vec![63, 127, 132]);

        h.smmu.issued_clear();
        let mut cmds = vec![good; 100];
        cmds[70] = [0x0000_0099_0000_0003, 0];
        let r = h.cache_invalidate_user(1, 100, 0, Ok(cmds));
        assert_eq!(r.result.unwrap_err().errno, "EIO");
        assert_eq!(r.entry_num, Some(70));
        assert_eq!(h.smmu.issued().len(), 64);

        h.smmu.issued_clear();
        let mut cmds = vec![good; 5];
        cmds[2] = [0x0000_0098_0000_0040, 0];
        let r = h.cache_invalidate_user(1, 5, 0, Ok(cmds));
        assert_eq!(r.entry_num, Some(2));
        assert!(h.smmu.issued().is_empty());

        let r = h.cache_invalidate_user(1, 262_145, 0, Err(fail("EFAULT", String::new())));
        assert_eq!(r.result.unwrap_err().errno, "ENOMEM");
        assert_eq!(r.entry_num, None);
    }
}
