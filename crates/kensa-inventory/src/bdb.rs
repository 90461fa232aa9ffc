//! A read-only reader for Berkeley DB *hash* databases, as rpm used them for
//! `/var/lib/rpm/Packages` (Amazon Linux 2, RHEL/CentOS 7, older Fedora).
//!
//! On-disk format (Berkeley DB 2.x–5.x): the file is a sequence of fixed-size pages.
//! Page 0 is the hash metadata page: magic `0x061561` at byte 12 (its byte order is the
//! database's byte order, little- or big-endian), page size at 20, encryption algorithm
//! at 24, page type at 25 (8, hash metadata), last page number at 32. Every other page
//! starts with a 26-byte header: page number at 8, next page at 16, entry count (u16) at
//! 20, `hf_offset` (u16) at 22, page type at 25, then on hash pages (type 13, or 2 for
//! the unsorted pages of older versions) a u16 offset per entry. Entries alternate key,
//! value; an entry runs from its offset to the previous entry's offset (the page end
//! for the first). Its first byte is its kind: 1 data follows, 3 the value is in a chain
//! of overflow pages (u32 first page at +4, u32 total length at +8), 2 on-page
//! duplicates (a sequence of u16 length, data, u16 length), 4 off-page duplicates (a
//! B-tree, not read). An overflow page (type 7) holds `hf_offset` bytes after its
//! header and names the next page of the chain (0 ends it).
//!
//! Pages are read in order rather than through the bucket mapping, so a damaged page
//! costs only its own entries. Every offset is checked; a bad page or chain is reported
//! with its page number and skipped.

/// The magic number of a hash database's metadata page.
pub const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;
const PAGE_HEADER: usize = 26;
const META_LEN: usize = 36;

const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;

const H_KEYDATA: u8 = 1;
const H_DUPLICATE: u8 = 2;
const H_OFFPAGE: u8 = 3;
const H_OFFDUP: u8 = 4;

/// One key/value pair and the hash page it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The hash page (or first overflow page) it was read from, for problem reports.
    pub page: u32,
    /// The key bytes (rpm: the package number, `hnum`).
    pub key: Vec<u8>,
    /// The value bytes (rpm: the package's header blob).
    pub value: Vec<u8>,
}

/// Something wrong with one page; its entries (or the one entry) were skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProblem {
    /// The page that could not be read.
    pub page: u32,
    /// What is wrong with it (a bad offset, a broken overflow chain, ...).
    pub message: String,
}

/// An opened hash database over the file's bytes.
#[derive(Debug)]
pub struct HashDb<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    page_size: usize,
    last_page: u32,
    /// Per page, which overflow chain walk used it (0: none yet). A real database never
    /// shares overflow pages between entries; a crafted one that points every entry at
    /// one long chain would make reading quadratic.
    claimed: std::cell::RefCell<Vec<u32>>,
    walks: std::cell::Cell<u32>,
}

impl<'a> HashDb<'a> {
    /// Checks the metadata page. An error here means the file cannot be read at all.
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < META_LEN {
            return Err(format!(
                "file is {} bytes, too short for a Berkeley DB metadata page",
                bytes.len()
            ));
        }
        let magic = [bytes[12], bytes[13], bytes[14], bytes[15]];
        let big_endian = match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
            (HASH_MAGIC, _) => false,
            (_, HASH_MAGIC) => true,
            (BTREE_MAGIC, _) | (_, BTREE_MAGIC) => {
                return Err("a Berkeley DB B-tree database, not a hash database".into())
            }
            (le, _) => return Err(format!("not a Berkeley DB hash database (magic {le:#x})")),
        };
        let mut db = HashDb {
            bytes,
            big_endian,
            page_size: 0,
            last_page: 0,
            claimed: std::cell::RefCell::new(Vec::new()),
            walks: std::cell::Cell::new(0),
        };
        let page_size = db.u32_at(bytes, 20).unwrap_or(0) as usize;
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("implausible page size {page_size}"));
        }
        if bytes[24] != 0 {
            return Err("encrypted database: not supported".into());
        }
        if bytes[25] != P_HASHMETA {
            return Err(format!(
                "page 0 has type {}, not hash metadata ({P_HASHMETA})",
                bytes[25]
            ));
        }
        db.page_size = page_size;
        db.last_page = db.u32_at(bytes, 32).unwrap_or(0);
        Ok(db)
    }

    /// Whether the database's integers are big-endian (written on such a machine or
    /// with `db_lorder=4321`).
    pub fn big_endian(&self) -> bool {
        self.big_endian
    }

    /// The page size the metadata page declares (512 bytes to 64 KiB), checked on open.
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// Reads every key/value pair of every hash page, in page order.
    pub fn records(&self, problems: &mut Vec<PageProblem>) -> Vec<Record> {
        let mut out = Vec::new();
        self.for_each_record(problems, |r| out.push(r));
        out
    }

    /// As [`HashDb::records`], handing each record over as soon as it is read, so a
    /// large database is not held twice in memory.
    pub fn for_each_record(&self, problems: &mut Vec<PageProblem>, mut each: impl FnMut(Record)) {
        let in_file = self.pages_in_file();
        *self.claimed.borrow_mut() = vec![0; in_file as usize];
        if u64::from(self.last_page) >= u64::from(in_file)
            || !self.bytes.len().is_multiple_of(self.page_size)
        {
            problems.push(PageProblem {
                page: in_file,
                message: format!(
                    "file is truncated: {} bytes hold {in_file} whole pages of {}, \
                     the metadata names last page {}",
                    self.bytes.len(),
                    self.page_size,
                    self.last_page
                ),
            });
        }
        for pgno in 1..in_file {
            let Some(page) = self.page(pgno) else { break };
            if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
                continue;
            }
            let mut problem = |message: String| {
                problems.push(PageProblem {
                    page: pgno,
                    message,
                })
            };
            match self.u32_at(page, 8) {
                Some(stored) if stored == pgno => {
                    self.read_hash_page(pgno, page, &mut each, &mut problem)
                }
                stored => problem(format!(
                    "hash page says it is page {}; skipped",
                    stored.unwrap_or(0)
                )),
            }
        }
    }

    fn pages_in_file(&self) -> u32 {
        u32::try_from(self.bytes.len() / self.page_size).unwrap_or(u32::MAX)
    }

    fn page(&self, pgno: u32) -> Option<&'a [u8]> {
        let start = (pgno as usize).checked_mul(self.page_size)?;
        self.bytes.get(start..start.checked_add(self.page_size)?)
    }

    fn read_hash_page(
        &self,
        pgno: u32,
        page: &[u8],
        each: &mut dyn FnMut(Record),
        problem: &mut dyn FnMut(String),
    ) {
        let entries = usize::from(self.u16_at(page, 20).unwrap_or(0));
        let index_end = PAGE_HEADER + entries * 2;
        if index_end > self.page_size {
            return problem(format!("{entries} entries do not fit the page; skipped"));
        }
        if !entries.is_multiple_of(2) {
            problem(format!(
                "odd number of entries ({entries}): the last key has no value"
            ));
        }
        let item = |i: usize| -> Result<&[u8], String> {
            let start = usize::from(self.u16_at(page, PAGE_HEADER + i * 2).unwrap_or(0));
            let end = match i {
                0 => self.page_size,
                _ => usize::from(self.u16_at(page, PAGE_HEADER + (i - 1) * 2).unwrap_or(0)),
            };
            if start < index_end || start >= end || end > self.page_size {
                return Err(format!("entry {i} has a bad offset {start}"));
            }
            Ok(&page[start..end])
        };
        for pair in 0..entries / 2 {
            let read = || -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
                let key = match self.values(item(2 * pair)?)?.as_mut_slice() {
                    [key] => std::mem::take(key),
                    _ => return Err("a key with duplicates".into()),
                };
                Ok((key, self.values(item(2 * pair + 1)?)?))
            };
            match read() {
                Ok((key, values)) => values.into_iter().for_each(|value| {
                    each(Record {
                        page: pgno,
                        key: key.clone(),
                        value,
                    })
                }),
                Err(e) => problem(format!("entry {}: {e}; skipped", 2 * pair)),
            }
        }
    }

    /// The value(s) an entry holds: one, or several for on-page duplicates.
    fn values(&self, item: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        match item[0] {
            H_KEYDATA => Ok(vec![item[1..].to_vec()]),
            H_OFFPAGE => {
                let (Some(first), Some(len)) = (self.u32_at(item, 4), self.u32_at(item, 8)) else {
                    return Err("off-page entry is shorter than 12 bytes".into());
                };
                self.overflow(first, len as usize).map(|v| vec![v])
            }
            H_DUPLICATE => self.duplicates(&item[1..]),
            H_OFFDUP => Err("off-page duplicates (a B-tree) are not read".into()),
            kind => Err(format!("unknown entry kind {kind}")),
        }
    }

    /// Follows an overflow chain; a chain that loops, leaves the file, meets a page of
    /// another type or does not add up to `len` bytes is an error.
    fn overflow(&self, first: u32, len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        let mut next = first;
        let mut claimed = self.claimed.borrow_mut();
        let walk = self.walks.get() + 1;
        self.walks.set(walk);
        while next != 0 {
            match claimed.get(next as usize).copied() {
                Some(0) | None => {}
                Some(w) if w == walk => {
                    return Err(format!(
                        "overflow chain from page {first} loops back to page {next}"
                    ))
                }
                Some(_) => {
                    return Err(format!(
                        "overflow page {next} (chain from page {first}) was already read for another entry"
                    ))
                }
            }
            let page = self
                .page(next)
                .ok_or_else(|| format!("overflow page {next} is beyond the end of the file"))?;
            if page[25] != P_OVERFLOW || self.u32_at(page, 8) != Some(next) {
                return Err(format!(
                    "page {next} in the overflow chain from page {first} is not an overflow page"
                ));
            }
            let here = usize::from(self.u16_at(page, 22).unwrap_or(0));
            let data = page
                .get(PAGE_HEADER..PAGE_HEADER + here)
                .ok_or_else(|| format!("overflow page {next} claims {here} bytes"))?;
            claimed[next as usize] = walk;
            out.extend_from_slice(data);
            if out.len() > len {
                return Err(format!(
                    "overflow chain from page {first} is longer than the entry's {len} bytes"
                ));
            }
            next = self.u32_at(page, 16).unwrap_or(0);
        }
        if out.len() != len {
            return Err(format!(
                "overflow chain from page {first} holds {} bytes, the entry says {len}",
                out.len()
            ));
        }
        Ok(out)
    }

    /// On-page duplicates: each is `len (u16) data len (u16)`.
    fn duplicates(&self, mut rest: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        let mut out = Vec::new();
        while !rest.is_empty() {
            let len = usize::from(self.u16_at(rest, 0).ok_or("truncated duplicate")?);
            let data = rest
                .get(2..2 + len)
                .ok_or("duplicate runs past its entry")?;
            if self.u16_at(rest, 2 + len) != Some(len as u16) {
                return Err("duplicate lengths disagree".into());
            }
            out.push(data.to_vec());
            rest = &rest[4 + len..];
        }
        Ok(out)
    }

    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let v: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        })
    }

    fn u16_at(&self, b: &[u8], at: usize) -> Option<u16> {
        let v: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LE: &[u8] =
        include_bytes!("../../kensa-vuln/tests/fixtures/amzn2-root/var/lib/rpm/Packages");
    const BE: &[u8] = include_bytes!("../../kensa-vuln/tests/fixtures/bdb/Packages-be");

    fn read(bytes: &[u8]) -> (Vec<Record>, Vec<PageProblem>) {
        let mut problems = Vec::new();
        let records = HashDb::open(bytes).unwrap().records(&mut problems);
        (records, problems)
    }

    /// The header blobs (rpm's record 0, a u32 in the database's byte order, left out).
    fn headers(records: &[Record]) -> Vec<&[u8]> {
        let mut v: Vec<&[u8]> = records
            .iter()
            .filter(|r| r.value.len() > 4)
            .map(|r| r.value.as_slice())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn both_byte_orders_hold_the_same_records() {
        assert!(!HashDb::open(LE).unwrap().big_endian());
        assert!(HashDb::open(BE).unwrap().big_endian());
        assert_eq!(HashDb::open(BE).unwrap().page_size(), 512);
        let (le, le_problems) = read(LE);
        let (be, be_problems) = read(BE);
        assert_eq!((le_problems, be_problems), (vec![], vec![]));
        assert_eq!(le.len(), 6);
        assert_eq!(headers(&le).len(), 5);
        assert!(headers(&le) == headers(&be), "header blobs differ");
        // Three headers are larger than a page (overflow chains), two are on-page.
        assert_eq!(le.iter().filter(|r| r.value.len() > 512).count(), 3);
    }

    #[test]
    fn bad_metadata_is_an_error() {
        assert!(HashDb::open(&LE[..20]).unwrap_err().contains("too short"));
        let mut bad = LE.to_vec();
        bad[12..16].copy_from_slice(&0x0005_3162u32.to_le_bytes());
        assert!(HashDb::open(&bad).unwrap_err().contains("B-tree"));
        bad[12..16].copy_from_slice(b"SQLi");
        assert!(HashDb::open(&bad)
            .unwrap_err()
            .contains("not a Berkeley DB"));
        let mut bad = LE.to_vec();
        bad[20..24].copy_from_slice(&1000u32.to_le_bytes());
        assert!(HashDb::open(&bad).unwrap_err().contains("page size 1000"));
    }

    /// Every overflow page of the file.
    fn chain_pages(bytes: &[u8]) -> Vec<u32> {
        let db = HashDb::open(bytes).unwrap();
        let mut chain = Vec::new();
        for pgno in 1..db.pages_in_file() {
            let page = db.page(pgno).unwrap();
            if page[25] == P_OVERFLOW {
                chain.push(pgno);
            }
        }
        chain
    }

    /// A database whose `pairs` entries (24 per hash page) all point at one overflow
    /// chain of `chain` pages.
    fn shared_chain_db(pairs: usize, chain: usize) -> Vec<u8> {
        const PS: usize = 512;
        let hash_pages = pairs.div_ceil(24);
        let first_overflow = 1 + hash_pages;
        let pages = first_overflow + chain;
        let mut b = vec![0u8; pages * PS];
        b[12..16].copy_from_slice(&HASH_MAGIC.to_le_bytes());
        b[20..24].copy_from_slice(&(PS as u32).to_le_bytes());
        b[25] = P_HASHMETA;
        b[32..36].copy_from_slice(&((pages - 1) as u32).to_le_bytes());
        let data_len = (PS - PAGE_HEADER) * chain;
        for h in 0..hash_pages {
            let (pgno, at) = (1 + h, (1 + h) * PS);
            let n = (pairs - h * 24).min(24);
            b[at + 8..at + 12].copy_from_slice(&(pgno as u32).to_le_bytes());
            b[at + 20..at + 22].copy_from_slice(&((2 * n) as u16).to_le_bytes());
            b[at + 25] = P_HASH;
            let mut end = PS;
            for i in 0..2 * n {
                let item: Vec<u8> = if i % 2 == 0 {
                    vec![H_KEYDATA, b'k', (h * 24 + i / 2) as u8]
                } else {
                    let mut v = vec![H_OFFPAGE, 0, 0, 0];
                    v.extend_from_slice(&(first_overflow as u32).to_le_bytes());
                    v.extend_from_slice(&(data_len as u32).to_le_bytes());
                    v
                };
                let start = end - item.len();
                b[at + start..at + end].copy_from_slice(&item);
                let idx = at + PAGE_HEADER + 2 * i;
                b[idx..idx + 2].copy_from_slice(&(start as u16).to_le_bytes());
                end = start;
            }
        }
        for k in 0..chain {
            let pgno = first_overflow + k;
            let at = pgno * PS;
            let next = if k + 1 == chain { 0 } else { pgno + 1 };
            b[at + 8..at + 12].copy_from_slice(&(pgno as u32).to_le_bytes());
            b[at + 16..at + 20].copy_from_slice(&(next as u32).to_le_bytes());
            b[at + 22..at + 24].copy_from_slice(&((PS - PAGE_HEADER) as u16).to_le_bytes());
            b[at + 25] = P_OVERFLOW;
        }
        b
    }

    #[test]
    fn entries_sharing_one_overflow_chain_are_read_once() {
        // Before: every entry copied the whole 1 MB chain (quadratic in the file size).
        let bytes = shared_chain_db(480, 2000);
        let (records, problems) = read(&bytes);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].value.len(), 2000 * (512 - PAGE_HEADER));
        assert_eq!(problems.len(), 479, "{:?}", &problems[..3]);
        assert!(problems[0]
            .message
            .contains("was already read for another entry"));
    }

    #[test]
    fn an_overflow_loop_is_reported_and_ends() {
        for bytes in [LE, BE] {
            let db = HashDb::open(bytes).unwrap();
            let mut bad = bytes.to_vec();
            // Point the last page of every chain back to itself.
            for pgno in chain_pages(bytes) {
                let at = pgno as usize * 512;
                if db.u32_at(&bad[at..], 16) == Some(0) {
                    let own = bad[at + 8..at + 12].to_vec();
                    bad[at + 16..at + 20].copy_from_slice(&own);
                }
            }
            let (records, problems) = read(&bad);
            assert_eq!(records.len(), 2, "key 0 and bash, the on-page header");
            assert_eq!(problems.len(), 4, "{problems:?}");
            assert!(problems.iter().all(|p| p.message.contains("loops back")));
        }
    }

    #[test]
    fn a_truncated_file_keeps_what_it_has() {
        let (records, problems) = read(&LE[..LE.len() - 700]);
        assert!(
            problems[0].message.contains("file is truncated"),
            "{problems:?}"
        );
        assert!(!records.is_empty());
        assert!(problems.len() >= 2, "{problems:?}");
    }

    #[test]
    fn a_bad_entry_offset_costs_its_entry() {
        let db = HashDb::open(LE).unwrap();
        let hash_page = (1..db.pages_in_file())
            .find(|&p| {
                db.page(p).unwrap()[25] == P_HASH && db.u16_at(db.page(p).unwrap(), 20) >= Some(2)
            })
            .unwrap();
        let mut bad = LE.to_vec();
        let at = hash_page as usize * 512 + PAGE_HEADER;
        bad[at..at + 2].copy_from_slice(&3u16.to_le_bytes());
        let (records, problems) = read(&bad);
        assert_eq!(records.len(), 5);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].page, hash_page);
        assert!(problems[0].message.contains("entry 0 has a bad offset 3"));
    }

    #[test]
    fn unsorted_hash_pages_and_misplaced_pages() {
        let mut bytes = LE.to_vec();
        let hash_pages: Vec<usize> = (1..bytes.len() / 512)
            .filter(|&p| bytes[p * 512 + 25] == P_HASH)
            .collect();
        assert_eq!(hash_pages.len(), 2);
        // Older Berkeley DB versions wrote type 2 (unsorted) hash pages.
        for &p in &hash_pages {
            bytes[p * 512 + 25] = P_HASH_UNSORTED;
        }
        let (records, problems) = read(&bytes);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(headers(&records) == headers(&read(LE).0));
        // A hash page whose header names another page is not trusted.
        let at = hash_pages[0] * 512 + 8;
        bytes[at..at + 4].copy_from_slice(&7u32.to_le_bytes());
        let (records, problems) = read(&bytes);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].page as usize, hash_pages[0]);
        assert!(problems[0].message.contains("says it is page 7"));
        assert!(records.len() < 6);
    }

    #[test]
    fn a_database_with_duplicates() {
        let bytes = include_bytes!("../../kensa-vuln/tests/fixtures/bdb/dups.db");
        let (records, problems) = read(bytes);
        assert!(problems.is_empty(), "{problems:?}");
        let pairs: Vec<(&[u8], &[u8])> = records
            .iter()
            .map(|r| (r.key.as_slice(), r.value.as_slice()))
            .collect();
        assert_eq!(
            pairs,
            [(&b"k1"[..], &b"a1"[..]), (b"k1", b"b22"), (b"k2", b"c")]
        );
    }

    #[test]
    fn on_page_duplicates() {
        let db = HashDb::open(LE).unwrap();
        let item = [2, 1, 0, b'a', 1, 0, 2, 0, b'b', b'c', 2, 0];
        assert_eq!(
            db.values(&item).unwrap(),
            vec![b"a".to_vec(), b"bc".to_vec()]
        );
        assert!(db.values(&item[..11]).is_err());
        assert!(db
            .values(&[4, 0, 0, 0, 1, 0, 0, 0])
            .unwrap_err()
            .contains("B-tree"));
        assert!(db.values(&[3, 0, 0, 0]).unwrap_err().contains("shorter"));
    }
}
