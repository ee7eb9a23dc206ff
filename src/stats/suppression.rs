//! Complementary suppression: a figure hidden because too few respondents gave it must not be
//! recoverable by subtraction from figures that are published.
//!
//! In a line of a table whose total is published (the categories of a breakdown with the all-respondents
//! column, a row or a column of a two-way table with its margins), a single hidden cell equals the total
//! minus the other cells. So whenever a line has exactly one hidden cell, the published cell with the
//! smallest count in that line is hidden too (the first such cell on ties), and this repeats until no line
//! has a single hidden cell: the usual "next-smallest cell" heuristic of statistical disclosure control
//! (Hundepool et al., *Statistical Disclosure Control*, 2012, §5.2). Cells known to be empty are no secret
//! and never chosen; they do not count as hidden either.

/// One cell of a table of counts, as far as disclosure is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Published, with the number of respondents it is based on.
    Published(u64),
    /// Hidden because it is based on too few respondents (primary suppression).
    Primary,
    /// Hidden so that a primary cell cannot be recovered (secondary suppression).
    Complementary,
    /// Nobody in the cell: shown as such, nothing to protect.
    Empty,
}

impl Cell {
    fn hidden(self) -> bool {
        matches!(self, Cell::Primary | Cell::Complementary)
    }
}

/// The cell to hide in one line whose total is published, if the line has exactly one hidden cell.
fn next_in_line(line: impl Iterator<Item = (usize, Cell)> + Clone) -> Option<usize> {
    if line.clone().filter(|(_, c)| c.hidden()).count() != 1 {
        return None;
    }
    line.filter_map(|(i, c)| match c {
        Cell::Published(n) => Some((n, i)),
        _ => None,
    })
    .min()
    .map(|(_, i)| i)
}

/// Complementary suppression of one line (e.g. the categories of a breakdown) whose total is published:
/// marks the cells to hide as [`Cell::Complementary`] and returns their indices.
pub fn complement_line(line: &mut [Cell]) -> Vec<usize> {
    let mut table = [line.to_vec()];
    let out = complement_table(&mut table, false);
    line.copy_from_slice(&table[0]);
    out.into_iter().map(|(_, j)| j).collect()
}

/// Complementary suppression of a table `rows × columns` whose row totals are published, and, with
/// `column_totals`, its column totals too. Marks the cells to hide as [`Cell::Complementary`] and returns
/// their (row, column) positions in the order they were chosen. Rows of unequal length are read as given;
/// a column then has the cells of the rows long enough to reach it.
pub fn complement_table(table: &mut [Vec<Cell>], column_totals: bool) -> Vec<(usize, usize)> {
    let width = table.iter().map(Vec::len).max().unwrap_or(0);
    let mut chosen = Vec::new();
    loop {
        let mut next = None;
        for (r, row) in table.iter().enumerate() {
            if let Some(j) = next_in_line(row.iter().copied().enumerate()) {
                next = Some((r, j));
                break;
            }
        }
        if next.is_none() && column_totals {
            for j in 0..width {
                let column = table
                    .iter()
                    .enumerate()
                    .filter_map(|(r, row)| row.get(j).map(|c| (r, *c)));
                if let Some(r) = next_in_line(column) {
                    next = Some((r, j));
                    break;
                }
            }
        }
        let Some((r, j)) = next else { return chosen };
        table[r][j] = Cell::Complementary;
        chosen.push((r, j));
    }
}

#[cfg(test)]
mod tests {
    use super::Cell::{Complementary as C, Empty as E, Primary as P, Published as N};
    use super::*;

    #[test]
    fn a_single_hidden_category_hides_the_next_smallest() {
        let mut line = [N(40), P, N(12), N(30)];
        assert_eq!(complement_line(&mut line), vec![2]);
        assert_eq!(line, [N(40), P, C, N(30)]);
    }

    #[test]
    fn two_hidden_categories_need_nothing_more() {
        let mut line = [N(40), P, N(12), P];
        assert!(complement_line(&mut line).is_empty());
        assert_eq!(line, [N(40), P, N(12), P]);
    }

    #[test]
    fn nothing_hidden_nothing_done() {
        let mut line = [N(40), N(12)];
        assert!(complement_line(&mut line).is_empty());
    }

    #[test]
    fn empty_cells_are_neither_hidden_nor_chosen() {
        let mut line = [E, P, N(25), E, N(11)];
        assert_eq!(complement_line(&mut line), vec![4]);
        assert_eq!(line, [E, P, N(25), E, C]);
    }

    #[test]
    fn ties_choose_the_first() {
        let mut line = [N(20), N(15), P, N(15)];
        assert_eq!(complement_line(&mut line), vec![1]);
    }

    #[test]
    fn nothing_to_hide_with_leaves_the_single_cell() {
        // Only empty cells besides: the hidden cell equals the total, which then is itself too small to
        // publish; nothing in the line can help.
        let mut line = [E, P, E];
        assert!(complement_line(&mut line).is_empty());
        assert_eq!(line, [E, P, E]);
    }

    #[test]
    fn a_table_with_both_margins_hides_a_rectangle() {
        // 3 × 3 table, one small cell at (0, 0): its row hides (0, 1) (14 is in another row); column 0
        // still has one hidden cell, so its smallest, (2, 0), goes; row 2 then hides (2, 1), which also
        // completes column 1: a rectangle of four hidden cells.
        let mut t = vec![
            vec![P, N(20), N(30)],
            vec![N(25), N(14), N(40)],
            vec![N(22), N(50), N(60)],
        ];
        let chosen = complement_table(&mut t, true);
        assert_eq!(chosen, vec![(0, 1), (2, 0), (2, 1)]);
        for row in &t {
            assert_ne!(row.iter().filter(|c| c.hidden()).count(), 1);
        }
        for j in 0..3 {
            assert_ne!(t.iter().filter(|row| row[j].hidden()).count(), 1);
        }
    }

    #[test]
    fn rows_only_leave_columns_alone() {
        let mut t = vec![vec![P, N(20), N(30)], vec![N(25), N(14), N(40)]];
        assert_eq!(complement_table(&mut t, false), vec![(0, 1)]);
        assert_eq!(t[1], vec![N(25), N(14), N(40)]);
    }

    #[test]
    fn every_line_ends_with_zero_or_several_hidden_cells() {
        // A small exhaustive check over 2 × 3 tables of primary/published cells.
        for mask in 0u32..64 {
            let mut t: Vec<Vec<Cell>> = (0..2)
                .map(|r| {
                    (0..3)
                        .map(|j| {
                            if mask >> (r * 3 + j) & 1 == 1 {
                                P
                            } else {
                                N(10 + (r * 3 + j) as u64)
                            }
                        })
                        .collect()
                })
                .collect();
            complement_table(&mut t, true);
            for row in &t {
                let hidden = row.iter().filter(|c| c.hidden()).count();
                let published = row.iter().filter(|c| matches!(c, N(_))).count();
                assert!(hidden != 1 || published == 0, "mask {mask}: {t:?}");
            }
            for j in 0..3 {
                let hidden = t.iter().filter(|row| row[j].hidden()).count();
                let published = t.iter().filter(|row| matches!(row[j], N(_))).count();
                assert!(hidden != 1 || published == 0, "mask {mask}: {t:?}");
            }
        }
    }
}
