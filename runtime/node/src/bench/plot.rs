//! SVG plots of pipeline throughput against block size and against bidders
//! per tender, so how cost grows with work is visible at a glance.

use super::pipeline::PipelinePoint;
use plotters::prelude::*;
use std::path::Path;

/// Throughput (calls/s, bids/s, reveals/s) against `x` of each point.
pub fn throughput_svg(
    path: &Path,
    title: &str,
    x_label: &str,
    points: &[PipelinePoint],
    x: impl Fn(&PipelinePoint) -> usize,
) -> anyhow::Result<()> {
    anyhow::ensure!(!points.is_empty(), "nothing to plot");
    let xs: Vec<f64> = points.iter().map(|p| x(p) as f64).collect();
    let (x_min, x_max) = xs.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let y_max = points.iter().map(|p| p.calls_per_s.max(p.bids_per_s).max(p.reveals_per_s)).fold(0.0, f64::max) * 1.15;
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d((x_min * 0.8..x_max * 1.25).log_scale(), 0.0..y_max)?;
    chart.configure_mesh().x_desc(x_label).y_desc("calls per second").draw()?;
    let series: [(&str, RGBColor, fn(&PipelinePoint) -> f64); 3] = [
        ("all calls", BLUE, |p| p.calls_per_s),
        ("submit_bid", RED, |p| p.bids_per_s),
        ("reveal_bid", GREEN, |p| p.reveals_per_s),
    ];
    for (name, color, y) in series {
        let line: Vec<(f64, f64)> = points.iter().zip(&xs).map(|(p, x)| (*x, y(p))).collect();
        chart
            .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(line.into_iter().map(|p| Circle::new(p, 4, color.filled())))?;
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.9)).draw()?;
    root.present()?;
    Ok(())
}
