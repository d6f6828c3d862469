//! How frames are taken: sized to the panel, and cheaper by steps while a
//! client lags (lower JPEG quality, smaller frames, then every other frame).

use serde_json::{Value, json};

/// (JPEG quality, size factor, every nth frame), best first.
pub const LEVELS: [(u8, f64, u32); 4] = [(70, 1.0, 1), (55, 0.8, 1), (40, 0.6, 2), (30, 0.5, 3)];

/// Frames are never wider or taller than this, whatever the screen.
const MAX_SIDE: f64 = 1600.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Screencast {
    width: u32,
    height: u32,
    scale: f64,
    level: usize,
}

impl Default for Screencast {
    fn default() -> Self {
        Self {
            width: 390,
            height: 844,
            scale: 1.0,
            level: 0,
        }
    }
}

impl Screencast {
    /// Returns whether anything changed.
    pub fn set_size(&mut self, width: u32, height: u32, scale: f64) -> bool {
        let next = Self {
            width,
            height,
            scale,
            level: self.level,
        };
        let changed = *self != next;
        *self = next;
        changed
    }

    /// Returns whether anything changed.
    pub fn set_level(&mut self, level: usize) -> bool {
        let level = level.min(LEVELS.len() - 1);
        let changed = self.level != level;
        self.level = level;
        changed
    }

    pub fn quality(&self) -> u8 {
        LEVELS[self.level].0
    }

    /// `Page.startScreencast`'s parameters.
    pub fn params(&self) -> Value {
        let (quality, factor, nth) = LEVELS[self.level];
        let side = |css: u32| {
            (f64::from(css) * self.scale * factor)
                .clamp(100.0, MAX_SIDE)
                .round()
        };
        json!({
            "format": "jpeg",
            "quality": quality,
            "maxWidth": side(self.width),
            "maxHeight": side(self.height),
            "everyNthFrame": nth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lagging_levels_make_frames_smaller_and_rarer() {
        let mut cast = Screencast::default();
        assert!(cast.set_size(400, 800, 2.0));
        assert!(!cast.set_size(400, 800, 2.0));
        let best = cast.params();
        assert_eq!(best["maxWidth"], 800.0);
        assert_eq!(best["quality"], 70);
        assert!(cast.set_level(99));
        let worst = cast.params();
        assert_eq!(worst["maxWidth"], 400.0);
        assert_eq!(worst["everyNthFrame"], 3);
        assert!(worst["quality"].as_u64() < best["quality"].as_u64());
        assert!(cast.set_size(3000, 3000, 2.0));
        assert_eq!(cast.params()["maxHeight"], 1600.0);
    }
}
