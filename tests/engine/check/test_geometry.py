"""Canvas geometry: corner order and the target-to-photo homography."""

import cv2
import numpy as np

from engine.check.geometry import order_corners, target_to_photo


def test_corner_order_is_top_left_top_right_bottom_right_bottom_left_for_single_quads_and_batches():
    quad = np.array([[10, 12], [200, 5], [210, 150], [5, 160]], float)
    shuffled = quad[[2, 0, 3, 1]]
    np.testing.assert_array_equal(order_corners(shuffled), quad)
    turned = quad @ np.array([[np.cos(0.25), np.sin(0.25)], [-np.sin(0.25), np.cos(0.25)]]) + 300
    batch = np.stack([shuffled, turned[[1, 3, 0, 2]]])
    np.testing.assert_allclose(order_corners(batch), np.stack([quad, turned]))


def test_target_to_photo_maps_the_targets_outer_edges_to_the_corners_and_back():
    corners = np.array([[110.0, 60.0], [520.0, 95.0], [480.0, 420.0], [90.0, 380.0]])
    homography = target_to_photo(corners, (96, 128, 3))
    edges = np.array([[[-0.5, -0.5], [127.5, -0.5], [127.5, 95.5], [-0.5, 95.5]]])
    np.testing.assert_allclose(cv2.perspectiveTransform(edges, homography)[0], corners, atol=1e-3)
    inside = np.random.default_rng(0).uniform([0, 0], [127, 95], (1, 20, 2))
    there = cv2.perspectiveTransform(inside, homography)
    np.testing.assert_allclose(cv2.perspectiveTransform(there, np.linalg.inv(homography)), inside, atol=1e-6)
