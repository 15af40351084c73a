//! Files the program creates that may hold personal data or secrets (the
//! database, its key, backups, uploaded chat logs): readable by their owner
//! only, whatever the umask.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Creates a new file (never an existing one) with mode 0600.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Creates a folder (and its parents) with mode 0700 for the last part.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// An uploaded file being received: created private in `dir`, and deleted when
/// dropped — on a refused, failed or aborted upload as after its import — so
/// no raw chat log outlives its request or its import.
pub struct Spool {
    path: PathBuf,
    file: Option<File>,
}

/// Names of spooled uploads start with this; only such files are swept.
const SPOOL_PREFIX: &str = "upload-";

impl Spool {
    pub fn create(dir: &Path, token: &str) -> io::Result<Spool> {
        create_private_dir(dir)?;
        let path = dir.join(format!("{SPOOL_PREFIX}{token}"));
        let file = create_private(&path)?;
        Ok(Spool {
            path,
            file: Some(file),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        match &mut self.file {
            Some(file) => file.write_all(bytes),
            None => Err(io::Error::other("upload already finished")),
        }
    }

    /// Flushes and closes the file; it stays until the spool is dropped.
    pub fn finish(&mut self) -> io::Result<()> {
        match self.file.take() {
            Some(file) => file.sync_all(),
            None => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.file = None;
        // Already gone is fine; anything else is left for the sweep at start.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Deletes spooled uploads older than `age` in `dir` (left by a process that
/// was killed): younger ones may belong to another instance's running upload.
/// Returns how many were removed.
pub fn sweep(dir: &Path, age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(SPOOL_PREFIX))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= age)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777)
    }

    #[test]
    fn a_spool_is_private_and_gone_once_dropped() {
        let dir = tempfile::tempdir().expect("dir");
        let uploads = dir.path().join("uploads");
        let mut spool = Spool::create(&uploads, "abc").expect("created");
        spool.write(b"raw chat log").expect("written");
        let path = spool.path().to_path_buf();
        #[cfg(unix)]
        assert_eq!((mode(&path), mode(&uploads)), (0o600, 0o700));
        drop(spool);
        assert!(!path.exists());
    }

    #[test]
    fn the_sweep_removes_old_spools_only() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("upload-old"), "x").expect("write");
        std::fs::write(dir.path().join("notes.txt"), "x").expect("write");
        assert_eq!(sweep(dir.path(), Duration::from_secs(3600)), 0, "too young");
        assert_eq!(sweep(dir.path(), Duration::ZERO), 1);
        assert!(dir.path().join("notes.txt").exists());
    }
}
