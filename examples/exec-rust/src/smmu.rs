// SPDX-License-Identifier: MIT
//! The physical SMMU as far as `issued` can see it: the commands it reads
//! from its Non-secure command queue, in order, CMD_SYNCs included.
//!
//! A released host forwards reserved bits and out-of-range values
//! (kernel-facts 3.3), so some converted commands are ILLEGAL for the SMMU
//! (kernel-facts 4.3).  The SMMU then stops at that command with
//! CERROR_ILL; the Linux host's error handler (arm_smmu_cmdq_skip_err)
//! writes a CMD_SYNC over the failing slot and lets the queue resume, so
//! the SMMU reads the illegal command, then that replacement CMD_SYNC,
//! then the rest.  The guest is not told.  The set of illegal commands is
//! the one backends/smmuv3-sim/smmu-model.h lists, so that both backends
//! show the same `issued` for the same vector.
//!
//! Caches are not modelled: this child has no `observe-caches`.

/// The SMMU's ID register bits that change what it accepts
/// (`open`'s `smmu` object, spec/vectors.md setup.smmu).
#[derive(Clone, Debug)]
pub struct Features {
    pub sidsize: u32,
    pub ssidsize: u32,
    pub asid16: bool,
    pub vmid16: bool,
    pub ril: bool,
    pub ats: bool,
    pub ds: bool,
    pub repeat_tlbi_cfgi: bool,
    /// The host's CMD_SYNC poll keeps the global-error interrupt from
    /// running (one CPU): an illegal command times the call out, and is
    /// skipped afterwards (spec/vectors.md 1.2, kernel-facts 3.10).
    pub gerror_irq_blocked: bool,
}

impl Default for Features {
    /// The defaults of spec/vectors.md (nestref_smmuv3_features_default).
    fn default() -> Self {
        Features {
            sidsize: 32,
            ssidsize: 20,
            asid16: true,
            vmid16: true,
            ril: true,
            ats: true,
            ds: false,
            repeat_tlbi_cfgi: false,
            gerror_irq_blocked: false,
        }
    }
}

/// One 128-bit command: `[dw0, dw1]`, bits 63:0 and 127:64.
pub type Cmd = [u64; 2];

// Opcodes, kernel-facts 4.1.
pub const OP_PREFETCH_CONFIG: u8 = 0x01;
pub const OP_PREFETCH_ADDR: u8 = 0x02;
pub const OP_CFGI_STE: u8 = 0x03;
pub const OP_CFGI_STE_RANGE: u8 = 0x04;
pub const OP_CFGI_CD: u8 = 0x05;
pub const OP_CFGI_CD_ALL: u8 = 0x06;
pub const OP_CFGI_VMS_PIDM: u8 = 0x07;
pub const OP_TLBI_NH_ALL: u8 = 0x10;
pub const OP_TLBI_NH_ASID: u8 = 0x11;
pub const OP_TLBI_NH_VA: u8 = 0x12;
pub const OP_TLBI_NH_VAA: u8 = 0x13;
pub const OP_TLBI_EL2_ALL: u8 = 0x20;
pub const OP_TLBI_EL2_ASID: u8 = 0x21;
pub const OP_TLBI_EL2_VA: u8 = 0x22;
pub const OP_TLBI_EL2_VAA: u8 = 0x23;
pub const OP_TLBI_S12_VMALL: u8 = 0x28;
pub const OP_TLBI_S2_IPA: u8 = 0x2a;
pub const OP_TLBI_NSNH_ALL: u8 = 0x30;
pub const OP_ATC_INV: u8 = 0x40;
pub const OP_PRI_RESP: u8 = 0x41;
pub const OP_RESUME: u8 = 0x44;
pub const OP_STALL_TERM: u8 = 0x45;
pub const OP_CMD_SYNC: u8 = 0x46;

/// The opcode, dw0[7:0].
pub fn opcode(cmd: &Cmd) -> u8 {
    (cmd[0] & 0xff) as u8
}

/// `bits` bits of `word` from bit `lo` up.
fn field(word: u64, lo: u32, bits: u32) -> u64 {
    (word >> lo) & ((1u64 << bits) - 1)
}

/// The host's own CMD_SYNC, as backends/smmuv3-sim/host-issue.c's
/// host_sync builds it (kernel-facts 4.3): CS = SEV (2, dw0[13:12]; no MSI
/// modelled), MSH = Inner Shareable (3, dw0[23:22]), MSIAttr = 0xf
/// (dw0[27:24]), nothing in dw1.
pub fn host_sync() -> Cmd {
    [
        OP_CMD_SYNC as u64 | 2u64 << 12 | 3u64 << 22 | 0xfu64 << 24,
        0,
    ]
}

/// The opcodes of the Non-secure command queue (IHI 0070 4.1.1).
fn opcode_legal(op: u8) -> bool {
    matches!(
        op,
        OP_PREFETCH_CONFIG
            | OP_PREFETCH_ADDR
            | OP_CFGI_STE
            | OP_CFGI_STE_RANGE
            | OP_CFGI_CD
            | OP_CFGI_CD_ALL
            | OP_CFGI_VMS_PIDM
            | OP_TLBI_NH_ALL
            | OP_TLBI_NH_ASID
            | OP_TLBI_NH_VA
            | OP_TLBI_NH_VAA
            | OP_TLBI_EL2_ALL
            | OP_TLBI_EL2_ASID
            | OP_TLBI_EL2_VA
            | OP_TLBI_EL2_VAA
            | OP_TLBI_S12_VMALL
            | OP_TLBI_S2_IPA
            | OP_TLBI_NSNH_ALL
            | OP_ATC_INV
            | OP_PRI_RESP
            | OP_RESUME
            | OP_STALL_TERM
            | OP_CMD_SYNC
    )
}

/// The commands with an SSec parameter, dw0[10] (IHI 0070 4.2 to 4.7;
/// not ATC_INV nor PRI_RESP, and no TLBI).
fn has_ssec(op: u8) -> bool {
    matches!(
        op,
        OP_PREFETCH_CONFIG
            | OP_PREFETCH_ADDR
            | OP_CFGI_STE
            | OP_CFGI_STE_RANGE
            | OP_CFGI_CD
            | OP_CFGI_CD_ALL
            | OP_CFGI_VMS_PIDM
            | OP_RESUME
            | OP_STALL_TERM
    )
}

/// The TLBIs with an address and the range fields (IHI 0070 4.4.1.1).
fn tlbi_by_address(op: u8) -> bool {
    matches!(
        op,
        OP_TLBI_NH_VA | OP_TLBI_NH_VAA | OP_TLBI_EL2_VA | OP_TLBI_EL2_VAA | OP_TLBI_S2_IPA
    )
}

/// Why the SMMU raises CERROR_ILL on `cmd`, or None: an opcode not for
/// this queue, SSec 1, ATC_INV without ATS or with Size above 52, CMD_SYNC
/// with CS 3, PRI_RESP with Resp 3, and (with RIL) a TLBI by address whose
/// TG is set while NUM, SCALE and TTL read 0.  Other reserved bits are
/// ignored, which the architecture allows.
pub fn illegal(f: &Features, cmd: &Cmd) -> Option<&'static str> {
    let op = opcode(cmd);
    let [dw0, dw1] = *cmd;

    if !opcode_legal(op) {
        return Some("opcode not for the Non-secure queue (IHI 0070 4.1.1)");
    }
    if has_ssec(op) && field(dw0, 10, 1) != 0 {
        return Some("SSec 1 on the Non-secure command queue (IHI 0070 4.1.6)");
    }
    match op {
        OP_ATC_INV if !f.ats => return Some("ATC_INV with IDR0.ATS 0 (IHI 0070 4.5.1)"),
        OP_ATC_INV if field(dw1, 0, 6) > 52 => {
            return Some("ATC_INV with Size above 52 (IHI 0070 4.5.1)")
        }
        OP_CMD_SYNC if field(dw0, 12, 2) == 3 => {
            return Some("CMD_SYNC with CS 0b11 (IHI 0070 4.7.3)")
        }
        OP_PRI_RESP if field(dw1, 12, 2) == 3 => {
            return Some("PRI_RESP with Resp 0b11 (IHI 0070 4.5.2)")
        }
        _ => {}
    }
    // Without RIL, TG, TTL, NUM and SCALE are RES0: read as 0.
    if !tlbi_by_address(op) || !f.ril {
        return None;
    }
    let tg = field(dw1, 10, 2);
    if tg == 0 {
        return None;
    }
    let num = field(dw0, 12, 5);
    // SCALE is dw0[25:20]; bit 25 only with IDR5.DS (kernel-facts 4.2, 7.7).
    let scale = field(dw0, 20, if f.ds { 6 } else { 5 });
    let mut ttl = field(dw1, 8, 2);
    // TTL 1 with a 16K granule needs DS; without it, it reads as 0.
    if tg == 2 && ttl == 1 && !f.ds {
        ttl = 0;
    }
    if num == 0 && scale == 0 && ttl == 0 {
        return Some("TLBI with TG set and NUM, SCALE, TTL 0 (IHI 0070 4.4.1.1)");
    }
    None
}

/// The command queue's consumer, for observation.
#[derive(Default)]
pub struct Smmu {
    pub features: Features,
    /// What it read since the last `issued_clear`; None before the first
    /// (recording starts with it, as nestref_smmuv3_issued says).
    issued: Option<Vec<Cmd>>,
    pub commands: u64,
    pub cerror_ill: u64,
}

impl Smmu {
    pub fn new(features: Features) -> Self {
        Smmu {
            features,
            ..Default::default()
        }
    }

    fn record(&mut self, cmd: Cmd) {
        self.commands += 1;
        if let Some(list) = self.issued.as_mut() {
            list.push(cmd);
        }
    }

    /// Consumes a batch the host wrote (its CMD_SYNC last).  A CERROR_ILL
    /// is handled as the Linux host does: the slot becomes a CMD_SYNC and
    /// consumption resumes.  Returns false when the host's wait for its
    /// CMD_SYNC timed out first (gerror_irq_blocked and a CERROR_ILL).
    pub fn consume(&mut self, cmds: &[Cmd]) -> bool {
        let mut completed = true;
        for cmd in cmds {
            self.record(*cmd);
            if illegal(&self.features, cmd).is_some() {
                self.cerror_ill += 1;
                self.record(host_sync());
                completed &= !self.features.gerror_irq_blocked;
            }
        }
        completed
    }

    pub fn issued(&self) -> &[Cmd] {
        match self.issued.as_ref() {
            Some(list) => list,
            None => &[],
        }
    }

    pub fn issued_clear(&mut self) {
        self.issued = Some(Vec::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_sync_is_sev_inner_shareable_writeback() {
        assert_eq!(host_sync(), [0x0fc0_2046, 0]);
        assert!(illegal(&Features::default(), &host_sync()).is_none());
    }

    #[test]
    fn illegal_cases() {
        let f = Features::default();
        // CFGI_CD with SSec.
        assert!(illegal(&f, &[0x0000_1234_0000_0405, 0]).is_some());
        // ATC_INV Size 52 is legal, 53 is not.
        assert!(illegal(&f, &[0x0000_1234_0000_0040, 52]).is_none());
        assert!(illegal(&f, &[0x0000_1234_0000_0040, 53]).is_some());
        // TLBI_NH_VA TG 1, NUM/SCALE/TTL 0.
        let va = [0x0012_0005_0000_0012, 0x8000_0000 | 1 << 10];
        assert!(illegal(&f, &va).is_some());
        let noril = Features { ril: false, ..Features::default() };
        assert!(illegal(&noril, &va).is_none());
        // TG 2 TTL 1 is a hint only with DS.
        let ttl1 = [0x0012_0005_0000_0012, 0x8000_0000 | 2 << 10 | 1 << 8];
        assert!(illegal(&f, &ttl1).is_some());
        let ds = Features { ds: true, ..Features::default() };
        assert!(illegal(&ds, &ttl1).is_none());
        // SCALE bit 25 only counts with DS.
        let s25 = [0x0012_0005_0200_0012, 0x8000_0000 | 1 << 10];
        assert!(illegal(&f, &s25).is_some());
        assert!(illegal(&ds, &s25).is_none());
    }

    #[test]
    fn skip_inserts_a_sync() {
        let mut s = Smmu::new(Features::default());
        s.issued_clear();
        s.consume(&[[0x0000_1234_0000_0406, 0], host_sync()]);
        assert_eq!(s.issued(), &[[0x0000_1234_0000_0406, 0], host_sync(), host_sync()]);
    }
}
